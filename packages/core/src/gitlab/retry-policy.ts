/**
 * When and how long to wait before trying a GitLab request again.
 *
 * - 429 and 503 mean GitLab did not act: every method may retry.
 * - 502, 504, a reset connection and a timeout may come after GitLab acted. Only idempotent
 *   methods (GET, HEAD, PUT, DELETE) retry then; a POST that creates a token does not, because
 *   a blind retry can mint a second credential. The lifecycle layer reconciles instead.
 * - A refused connection (nothing reached GitLab) retries for every method.
 * Delays: capped exponential backoff with full jitter, unless GitLab names the wait
 * (`Retry-After` seconds or date, else `RateLimit-Reset` unix time).
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  limit: number;
  /** First backoff step. Default 250 ms. */
  baseDelayMs: number;
  /** Cap for one backoff step. Default 8 s. */
  maxDelayMs: number;
  /** The longest wait GitLab may ask for before we give up instead. Default 60 s. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { limit: 4, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

/** What the policy reads of response headers: fetch's `Headers` or a plain record wrapped. */
export interface HeaderReader {
  get(name: string): string | null;
}

export type Outcome =
  | { kind: 'response'; status: number; headers: HeaderReader }
  | { kind: 'refused' }
  | { kind: 'reset' }
  | { kind: 'timeout' }
  /** An https:// request answered in plain HTTP: asking again cannot help. */
  | { kind: 'plain-http' };

export function isIdempotent(method: string): boolean {
  return IDEMPOTENT.has(method.toUpperCase());
}

export function shouldRetry(method: string, outcome: Outcome): boolean {
  switch (outcome.kind) {
    case 'refused':
      return true;
    case 'plain-http':
      return false;
    case 'reset':
    case 'timeout':
      return isIdempotent(method);
    case 'response':
      if (outcome.status === 429 || outcome.status === 503) return true;
      if (outcome.status === 502 || outcome.status === 504) return isIdempotent(method);
      return false;
  }
}

/** Milliseconds GitLab asked us to wait, if it said so. */
export function requestedDelayMs(headers: HeaderReader, now: number = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter !== null && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - now);
  }
  // GitLab sends RateLimit-Reset on every answer, throttled or not: it is a wait only once the
  // quota is spent (a 503 with quota left is retried by backoff, not held until the window ends).
  const reset = headers.get('ratelimit-reset');
  const spent = headers.get('ratelimit-remaining')?.trim() === '0' || headers.get('ratelimit-remaining') === null;
  if (spent && reset !== null && /^\d+$/.test(reset.trim())) {
    return Math.max(0, Number(reset) * 1000 - now);
  }
  return undefined;
}

/** Full-jitter backoff: a random wait in [0, min(cap, base * 2^attempt)]. */
export function backoffDelayMs(attempt: number, options: RetryOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}
