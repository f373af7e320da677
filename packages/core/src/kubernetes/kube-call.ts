/**
 * Timeout and retry for Kubernetes API calls, as for GitLab ones. Every call glkeys makes to
 * the apiserver is a GET or a server-side apply of the same object, so repeating it is safe.
 * Retried: 429, 500, 502, 503, 504, a timeout and connection errors; anything else (403, 404,
 * 409, 422) is an answer and is thrown at once. Backoff is core's (capped, full jitter).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DEFAULT_RETRY, backoffDelayMs, type RetryOptions } from '../gitlab/retry-policy.js';

export interface KubeCallOptions {
  /** Per attempt. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** Stops retries and waits. */
  signal?: AbortSignal;
  /** For tests: the wait between attempts. */
  sleep?: (ms: number) => Promise<unknown>;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'KUBE_TIMEOUT']);

export class KubeTimeoutError extends Error {
  readonly code = 'KUBE_TIMEOUT';
}

export async function kubeCall<T>(what: string, call: () => Promise<T>, options: KubeCallOptions = {}): Promise<T> {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const wait = options.sleep ?? sleep;
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await withTimeout(call(), options.timeoutMs ?? 30_000, what);
    } catch (error) {
      if (attempt >= retry.limit || !isRetryable(error)) throw error;
      await wait(backoffDelayMs(attempt, retry));
    }
  }
}

export function statusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } } | null;
  const code = e?.code ?? e?.statusCode ?? e?.response?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubeTimeoutError(`Kubernetes API: no answer to ${what} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
