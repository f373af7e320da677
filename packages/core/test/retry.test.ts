/** Core's one retry loop: budget, waits, the caller's signal. */
import { describe, expect, it } from 'vitest';
import { GitCommandError, withGitRetry, type GitFailureReason } from '../src/git/exec.js';
import { retrying } from '../src/retry.js';

const fails = (times: number, error: unknown = new Error('transient')) => {
  let calls = 0;
  const attempt = async (n?: number) => {
    if (n !== undefined) expect(n).toBe(calls);
    calls += 1;
    if (calls <= times) throw error;
    return 'ok';
  };
  return { attempt, calls: () => calls };
};

describe('retrying', () => {
  it('should back off with capped full jitter until the attempt succeeds', async () => {
    const waits: number[] = [];
    const f = fails(3);
    const result = await retrying(f.attempt, {
      retry: { baseDelayMs: 100, maxDelayMs: 300 },
      decide: () => ({ retry: true }),
      sleep: async (ms) => void waits.push(ms),
      random: () => 1,
    });
    expect(result).toBe('ok');
    expect(waits).toEqual([100, 200, 300]);
  });

  it('should throw the last error once the budget is spent, and at once when decide says no', async () => {
    const error = new Error('still down');
    const f = fails(10, error);
    await expect(retrying(f.attempt, { retry: { limit: 2 }, decide: () => ({ retry: true }), sleep: async () => undefined })).rejects.toBe(
      error,
    );
    expect(f.calls()).toBe(3);
    const g = fails(10, error);
    const seen: Array<[unknown, number]> = [];
    await expect(retrying(g.attempt, { decide: (e, n) => (seen.push([e, n]), { retry: false }) })).rejects.toBe(error);
    expect(g.calls()).toBe(1);
    expect(seen).toEqual([[error, 0]]);
  });

  it("should wait decide's delay rather than the backoff, and tell onRetry first", async () => {
    const events: string[] = [];
    const f = fails(2);
    await retrying(f.attempt, {
      decide: (_, n) => ({ retry: true, delayMs: 5_000 + n }),
      sleep: async (ms) => void events.push(`wait ${ms}`),
      onRetry: ({ attempt, delayMs }) => void events.push(`retry ${attempt} after ${delayMs}`),
      random: () => 0,
    });
    expect(events).toEqual(['retry 1 after 5000', 'wait 5000', 'retry 2 after 5001', 'wait 5001']);
  });

  it('should end a wait when the signal is aborted and reject with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('shutdown');
    const f = fails(5);
    let waiting = false;
    const run = retrying(f.attempt, {
      decide: () => ({ retry: true, delayMs: 60_000 }),
      signal: controller.signal,
      // A wait that never ends on its own: only the abort can end it.
      sleep: () => ((waiting = true), new Promise(() => undefined)),
    });
    await expect.poll(() => waiting).toBe(true);
    controller.abort(reason);
    await expect(run).rejects.toBe(reason);
    expect(f.calls()).toBe(1);
  });

  it('should end a real timer wait too', async () => {
    const controller = new AbortController();
    const f = fails(5);
    const run = retrying(f.attempt, { decide: () => ({ retry: true, delayMs: 3_600_000 }), signal: controller.signal });
    setImmediate(() => controller.abort(new Error('stop')));
    await expect(run).rejects.toThrow('stop');
    expect(f.calls()).toBe(1);
  });

  it('should not retry an attempt that failed after the abort, and keep its error', async () => {
    const controller = new AbortController();
    const error = new Error('aborted mid-request');
    let decided = false;
    const attempt = async () => {
      controller.abort(new Error('reason'));
      throw error;
    };
    await expect(
      retrying(attempt, { decide: () => ((decided = true), { retry: true }), signal: controller.signal, sleep: async () => undefined }),
    ).rejects.toBe(error);
    expect(decided).toBe(false);
  });

  it('should not start an attempt when the signal is already aborted', async () => {
    const f = fails(0);
    await expect(retrying(f.attempt, { decide: () => ({ retry: true }), signal: AbortSignal.abort(new Error('gone')) })).rejects.toThrow(
      'gone',
    );
    expect(f.calls()).toBe(0);
  });
});

describe('withGitRetry', () => {
  const gitError = (reason: GitFailureReason) => new GitCommandError('push', reason, `git push failed (${reason})`);

  it('should retry unreachable and timeout, never auth, and stop on abort', async () => {
    const f = fails(2, gitError('unreachable'));
    await expect(withGitRetry(f.attempt, {}, async () => undefined)).resolves.toBe('ok');
    expect(f.calls()).toBe(3);
    const g = fails(5, gitError('auth'));
    await expect(withGitRetry(g.attempt, {}, async () => undefined)).rejects.toMatchObject({ reason: 'auth' });
    expect(g.calls()).toBe(1);
    const controller = new AbortController();
    const h = fails(5, gitError('timeout'));
    const sleep = () => (controller.abort(new Error('cancelled')), new Promise(() => undefined));
    await expect(withGitRetry(h.attempt, {}, sleep, controller.signal)).rejects.toThrow('cancelled');
    expect(h.calls()).toBe(1);
  });
});
