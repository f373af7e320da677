/** The retry rules of Kubernetes calls; the calls themselves are tested against the real apiserver. */
import { describe, expect, it } from 'vitest';
import { KubeTimeoutError, kubeCall } from '../../src/kubernetes/kube-call.js';

const noWait = { sleep: async () => undefined };
const failing = (errors: unknown[], result = 'ok') => {
  let calls = 0;
  const call = async () => {
    const error = errors[calls];
    calls += 1;
    if (error !== undefined) throw error;
    return result;
  };
  return { call, calls: () => calls };
};
const status = (code: number) => Object.assign(new Error(`HTTP ${code}`), { code });

describe('kubeCall', () => {
  it('should retry 429, 5xx and connection resets, then return', async () => {
    const f = failing([status(429), status(503), Object.assign(new Error('reset'), { code: 'ECONNRESET' }), status(500)]);
    await expect(kubeCall('read', f.call, noWait)).resolves.toBe('ok');
    expect(f.calls()).toBe(5);
  });

  it.each([403, 404, 409, 422])('should not retry an answer like %i', async (code) => {
    const f = failing([status(code)]);
    await expect(kubeCall('read', f.call, noWait)).rejects.toMatchObject({ code });
    expect(f.calls()).toBe(1);
  });

  it('should time out a call that never answers and try again', async () => {
    let calls = 0;
    const call = () => (++calls === 1 ? new Promise<string>(() => undefined) : Promise.resolve('late ok'));
    await expect(kubeCall('apply', call, { ...noWait, timeoutMs: 50 })).resolves.toBe('late ok');
    expect(calls).toBe(2);
  });

  it('should give up after the retry limit with the last error', async () => {
    const f = failing([status(503), status(503), status(503)]);
    await expect(kubeCall('read', f.call, { ...noWait, retry: { limit: 2 } })).rejects.toMatchObject({ code: 503 });
    expect(f.calls()).toBe(3);
    await expect(kubeCall('read', () => new Promise(() => undefined), { ...noWait, timeoutMs: 20, retry: { limit: 0 } })).rejects.toBeInstanceOf(KubeTimeoutError);
  });
});
