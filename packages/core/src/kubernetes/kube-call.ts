/**
 * Timeout and retry for Kubernetes API calls, as for GitLab ones. Every call glkeys makes to
 * the apiserver is a GET or a server-side apply of the same object, so repeating it is safe.
 * Retried: 429, 500, 502, 503, 504, a timeout and connection errors, after the wait the
 * apiserver asked for or core's backoff (retry.ts); anything else (403, 404, 409, 422) is an
 * answer and is thrown at once. Every failure leaves as a KubernetesApiError (errors.ts).
 */
import { DEFAULT_RETRY, type RetryOptions } from '../gitlab/retry-policy.js';
import { retrying, type RetryDecision } from '../retry.js';
import { KubernetesApiError, type KubeRequest } from './errors.js';
import { httpStatusOf, kubeTimeoutError, kubernetesErrorFrom } from './error-mapping.js';

export interface KubeCallOptions {
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /**
   * Aborting stops the retries and any wait, and rejects with the signal's reason. The request
   * in flight is no longer awaited (the client cannot cancel it); an apply may still land.
   */
  signal?: AbortSignal;
  /** For tests: the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<unknown>;
  random?: () => number;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export async function kubeCall<T>(request: KubeRequest, call: () => Promise<T>, options: KubeCallOptions = {}): Promise<T> {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return retrying((_, signal) => attempt(request, call, timeoutMs, signal), {
    retry,
    decide: (error) => decide(error, retry, random),
    signal: options.signal,
    sleep: options.sleep,
    random,
  });
}

/** The HTTP status of a failed Kubernetes call (KubernetesApiError or the client's own exception). */
export function statusOf(error: unknown): number | undefined {
  if (error instanceof KubernetesApiError) return error.status;
  return httpStatusOf(error);
}

function decide(error: unknown, retry: RetryOptions, random: () => number): RetryDecision {
  if (!(error instanceof KubernetesApiError)) return { retry: false };
  const transient =
    error.status === undefined ? error.reason === 'Timeout' || error.reason === 'Unreachable' : RETRYABLE_STATUS.has(error.status);
  if (!transient) return { retry: false };
  const asked = error.retryAfterMs;
  if (asked === undefined) return { retry: true };
  // Longer than we may wait: give up now; the error carries the wait for a controller's requeue.
  if (asked > retry.maxRetryAfterMs) return { retry: false };
  // Jitter on top of the asked wait spreads clients that were limited together (as for GitLab).
  return { retry: true, delayMs: asked + Math.round(random() * retry.baseDelayMs) };
}

/** One attempt, bounded by the timeout and the caller's signal; failures already typed. */
function attempt<T>(request: KubeRequest, call: () => Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const bounded = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(kubeTimeoutError(request, timeoutMs)), timeoutMs);
    if (signal) {
      onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
    }
  });
  // Inside an executor, so a call that throws synchronously is typed like one that rejects.
  const answered = new Promise<T>((resolve) => resolve(call())).catch((error: unknown) => {
    throw kubernetesErrorFrom(request, error);
  });
  return Promise.race([answered, bounded]).finally(() => {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  });
}
