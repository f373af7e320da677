/**
 * The one retry loop of core, under the GitLab transport, Kubernetes calls and git. Callers say
 * which failures are worth another attempt (`decide`); the loop owns the budget, the waits
 * (capped full-jitter backoff unless `decide` names a delay, e.g. a server's Retry-After) and
 * the caller's AbortSignal: once it is aborted nothing is tried again and no wait goes on.
 */
import { DEFAULT_RETRY, backoffDelayMs, type RetryOptions } from './gitlab/retry-policy.js';

export interface RetryDecision {
  retry: boolean;
  /** The wait before the next attempt; without it, core's backoff for this attempt. */
  delayMs?: number;
}

export interface RetryingOptions {
  retry?: Partial<RetryOptions>;
  /** Whether `error` (thrown by attempt `attempt`, counted from 0) is worth another attempt. */
  decide: (error: unknown, attempt: number) => RetryDecision;
  /** The caller's signal: aborting it ends the loop and cuts a wait short. */
  signal?: AbortSignal | undefined;
  /** Told before each wait; awaited, so it may free what the failed attempt held. */
  onRetry?: (event: { attempt: number; delayMs: number; error: unknown }) => void | Promise<void>;
  /** For tests: the wait between attempts (the signal still cuts it short) and the jitter source. */
  sleep?: ((ms: number) => Promise<unknown>) | undefined;
  random?: (() => number) | undefined;
}

/**
 * Runs `attempt(n, signal)` for n = 0, 1, … until it resolves, `decide` says stop or the budget
 * (`retry.limit` retries) is spent; then the last error is thrown as it is. An abort before an
 * attempt or during a wait rejects with the signal's reason; an attempt that fails once the
 * signal is aborted is not retried and its own error is thrown.
 */
export async function retrying<T>(attempt: (n: number, signal?: AbortSignal) => Promise<T>, options: RetryingOptions): Promise<T> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const { signal } = options;
  for (let n = 0; ; n += 1) {
    signal?.throwIfAborted();
    try {
      return await attempt(n, signal);
    } catch (error) {
      if (signal?.aborted || n >= retry.limit) throw error;
      const decision = options.decide(error, n);
      if (!decision.retry) throw error;
      const delayMs = decision.delayMs ?? backoffDelayMs(n, retry, options.random);
      await options.onRetry?.({ attempt: n + 1, delayMs, error });
      await wait(delayMs, signal, options.sleep);
    }
  }
}

/** A wait the signal ends early, rejecting with its reason. */
export function wait(ms: number, signal?: AbortSignal, sleep?: (ms: number) => Promise<unknown>): Promise<void> {
  if (!signal) return sleep ? sleep(ms).then(() => undefined) : timer(ms);
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    let timeout: NodeJS.Timeout | undefined;
    const onAbort = () => {
      clearTimeout(timeout);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    };
    if (sleep)
      sleep(ms).then(done, (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      });
    else timeout = setTimeout(done, ms);
  });
}

function timer(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
