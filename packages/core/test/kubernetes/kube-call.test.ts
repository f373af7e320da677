/** The retry rules of Kubernetes calls; the calls themselves are tested against the real apiserver (kube-errors.test.ts). */
import { describe, expect, it } from 'vitest';
import { kubeCall } from '../../src/kubernetes/kube-call.js';
import { ConflictError, KubernetesApiError } from '../../src/kubernetes/errors.js';

const request = { verb: 'get', resource: 'Secret', namespace: 'ns', name: 'creds' };
const noWait = { sleep: async () => undefined };
const failing = (errors: unknown[], result = 'ok') => {
  let calls = 0;
  const call = async () => {
    const error = errors[calls];
    calls += 1;
    // The client may throw anything; kubeCall must type it.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (error !== undefined) throw error;
    return result;
  };
  return { call, calls: () => calls };
};
/** The shape of @kubernetes/client-node's ApiException: `code`, `body` (text), `headers`. */
const status = (code: number, body?: object, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`HTTP-Code: ${code}\nBody: ${JSON.stringify(body)}`), { code, body: body && JSON.stringify(body), headers });

describe('kubeCall', () => {
  it('should retry 429, 5xx and connection resets, then return', async () => {
    const f = failing([status(429), status(503), Object.assign(new Error('reset'), { code: 'ECONNRESET' }), status(500)]);
    await expect(kubeCall(request, f.call, noWait)).resolves.toBe('ok');
    expect(f.calls()).toBe(5);
  });

  it.each([403, 404, 409, 422])('should not retry an answer like %i, and type it', async (code) => {
    const f = failing([status(code)]);
    const error = await kubeCall(request, f.call, noWait).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(code === 409 ? ConflictError : KubernetesApiError);
    expect(error).toMatchObject({ status: code, request });
    expect(f.calls()).toBe(1);
  });

  it('should time out a call that never answers and try again', async () => {
    let calls = 0;
    const call = () => (++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('late ok'));
    await expect(kubeCall(request, call, { ...noWait, timeoutMs: 50 })).resolves.toBe('late ok');
    expect(calls).toBe(2);
  });

  it('should give up after the retry limit with the last error, typed', async () => {
    const f = failing([status(503), status(503), status(503)]);
    await expect(kubeCall(request, f.call, { ...noWait, retry: { limit: 2 } })).rejects.toMatchObject({
      code: 'KUBERNETES',
      status: 503,
      reason: 'ServiceUnavailable',
    });
    expect(f.calls()).toBe(3);
    const hung = kubeCall(request, () => new Promise(() => undefined), { ...noWait, timeoutMs: 20, retry: { limit: 0 } });
    await expect(hung).rejects.toMatchObject({ code: 'KUBERNETES', status: undefined, reason: 'Timeout' });
    await expect(
      kubeCall(request, failing([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]).call, { ...noWait, retry: { limit: 0 } }),
    ).rejects.toMatchObject({ reason: 'Unreachable', message: expect.stringContaining('ECONNREFUSED') });
  });

  it('should type any other failure as Unknown without its message, thrown or rejected, and not retry it', async () => {
    const throws = () => {
      throw new TypeError('token=abc123 in a client bug');
    };
    const error = (await kubeCall(request, throws, noWait).catch((e: unknown) => e)) as KubernetesApiError;
    expect(error).toMatchObject({
      code: 'KUBERNETES',
      status: undefined,
      reason: 'Unknown',
      message: 'Kubernetes API: get Secret ns/creds failed (TypeError)',
    });
    expect(JSON.stringify(error) + String((error.cause as Error).message)).not.toContain('abc123');
    const f = failing([new Error('odd'), new Error('odd')]);
    await expect(kubeCall(request, f.call, noWait)).rejects.toMatchObject({ reason: 'Unknown' });
    expect(f.calls()).toBe(1);
  });

  it('should wait what a 429 asks for (Status retryAfterSeconds), and give up when it asks too much', async () => {
    const waits: number[] = [];
    const limited = status(429, { kind: 'Status', reason: 'TooManyRequests', details: { retryAfterSeconds: 3 } });
    const f = failing([limited]);
    await expect(kubeCall(request, f.call, { sleep: async (ms) => void waits.push(ms), random: () => 0 })).resolves.toBe('ok');
    expect(waits).toEqual([3000]);

    const tooLong = status(429, { kind: 'Status', reason: 'TooManyRequests' }, { 'retry-after': '120' });
    const g = failing([tooLong]);
    await expect(kubeCall(request, g.call, { ...noWait, retry: { maxRetryAfterMs: 60_000 } })).rejects.toMatchObject({
      status: 429,
      retryAfterMs: 120_000,
    });
    expect(g.calls()).toBe(1);
  });

  it('should stop retrying when the signal is aborted during a wait, and reject with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const f = failing([status(503), status(503)]);
    const sleep = () => {
      controller.abort(reason);
      return new Promise(() => undefined);
    };
    await expect(kubeCall(request, f.call, { sleep, signal: controller.signal })).rejects.toBe(reason);
    expect(f.calls()).toBe(1);
  });

  it('should not wait for a call in flight once the signal is aborted, and not call at all when it already was', async () => {
    const controller = new AbortController();
    const pending = kubeCall(request, () => new Promise(() => undefined), { ...noWait, signal: controller.signal, timeoutMs: 60_000 });
    controller.abort(new Error('stop'));
    await expect(pending).rejects.toThrow('stop');
    const f = failing([]);
    await expect(kubeCall(request, f.call, { signal: controller.signal })).rejects.toThrow('stop');
    expect(f.calls()).toBe(0);
  });
});
