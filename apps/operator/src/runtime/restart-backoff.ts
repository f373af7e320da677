/**
 * Capped exponential backoff with jitter ("equal jitter": half fixed, half random) for restarting a failed loop (a watch, a list).
 * Jitter spreads replicas that failed together (an apiserver restart) so they do not
 * come back in step; the cap bounds the wait once the cause is fixed (client-node #1933 is
 * the opposite: restarts in a tight loop).
 */
export interface RestartBackoff {
  /** The first wait's upper bound. */
  initialMs: number;
  /** No wait is longer. */
  maxMs: number;
  factor: number;
}

export const DEFAULT_RESTART_BACKOFF: RestartBackoff = { initialMs: 800, maxMs: 30_000, factor: 2 };

/**
 * The wait before restart number `failures` (1 = first restart). Never below half the
 * exponential step, so even an unlucky draw is not a hot loop.
 */
export function restartDelayMs(failures: number, backoff: RestartBackoff, random: () => number = Math.random): number {
  const step = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** Math.max(0, failures - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}

/** A wait that `signal` cuts short (resolves, does not reject: the loop checks why it woke). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
