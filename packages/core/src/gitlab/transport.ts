/**
 * The HTTP transport under gitbeaker and core's own calls: one function that sends a request,
 * applies the per-attempt timeout, the retry policy (retry-policy.ts) and maps failures to
 * typed errors. Engines move the bytes: ky (ky-engine.ts, the SDK client's) or plain
 * node:http (node-engine.ts, for the CLI's start-up-critical reads).
 */
import { NetworkError, TimeoutError, type RequestInfo } from '../errors.js';
import { retrying, type RetryDecision } from '../retry.js';
import { errorFromResponse } from './error-mapping.js';
import {
  DEFAULT_RETRY,
  backoffDelayMs,
  isIdempotent,
  requestedDelayMs,
  shouldRetry,
  type HeaderReader,
  type Outcome,
  type RetryOptions,
} from './retry-policy.js';
import { sanitizedCause as sanitize, systemErrorCode as errorCode } from '../error-cause.js';

export interface TransportOptions {
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** PEM CA bundle trusted for this GitLab, in addition to the system roots. */
  ca?: string | Buffer;
  /** Told about each retry (for progress lines and metrics); never gets headers or bodies. */
  onRetry?: (event: RetryEvent) => void;
  /**
   * Told about every attempt's outcome (metrics: requests by status). `status` is the HTTP
   * status, or `timeout` / `network` when nothing was answered. Never headers or bodies.
   */
  onAttempt?: (event: AttemptEvent) => void;
  /** For tests: replace the wait between attempts and the jitter source. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  userAgent?: string;
}

export interface RetryEvent {
  request: RequestInfo;
  attempt: number;
  delayMs: number;
  reason: string;
  /** The wait GitLab asked for (Retry-After, RateLimit-Reset), when it did; `delayMs` adds jitter. */
  askedMs?: number;
}

export interface AttemptEvent {
  request: RequestInfo;
  status: number | 'timeout' | 'network';
  durationMs: number;
}

export interface TransportRequest {
  method: string;
  url: string;
  /** The API-relative path, used in errors and logs. */
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
  signal?: AbortSignal;
}

export interface TransportResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

export type Transport = (request: TransportRequest) => Promise<TransportResponse>;

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** One attempt's answer, whatever engine sent it. */
export interface AttemptResponse {
  status: number;
  headers: HeaderReader;
  text(): Promise<string>;
  /** Frees the connection when the body is not read (before a retry). */
  discard(): Promise<void>;
}

/** Sends one attempt; `signal` aborts it on the per-attempt timeout or the caller's signal. */
export type SendAttempt = (request: TransportRequest, signal: AbortSignal) => Promise<AttemptResponse>;

/** The marker the per-attempt timer aborts with, so a timeout is told apart from a caller's abort. */
class AttemptTimeout extends Error {
  override name = 'AttemptTimeout';
}

/**
 * The retrying transport over any engine: per-attempt timeout, the retry policy, the waits
 * GitLab asks for, and typed errors. Engines only move bytes (ky-engine.ts, node-engine.ts).
 */
export function createRetryingTransport(options: TransportOptions, sendAttempt: SendAttempt): Transport {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async function send(request) {
    const info: RequestInfo = { method: request.method, path: request.path };
    try {
      return await retrying(() => attempt(request, sendAttempt, timeoutMs, options.onAttempt, info), {
        retry,
        decide: (error, n) => decide(error, n, request.method, retry, random),
        // Only a wait is cut short here: an attempt the caller aborted fails on its own signal.
        signal: request.signal,
        onRetry: async ({ attempt: n, delayMs, error }) => {
          const failed = error as FailedAttempt;
          options.onRetry?.({
            request: info,
            attempt: n,
            delayMs,
            reason: describe(failed.outcome),
            ...(failed.asked === undefined ? {} : { askedMs: failed.asked }),
          });
          if (failed.response) await failed.response.discard().catch(() => undefined);
        },
        sleep: options.sleep ?? realSleep,
        random,
      });
    } catch (error) {
      if (!(error instanceof FailedAttempt)) throw error;
      if (error.response) throw errorFromResponse(info, error.response.status, await readBody(error.response), error.asked);
      throw failureError(info, error.outcome, error.failure);
    }
  };
}

/** An attempt that did not succeed, as the policy sees it; turned into a typed error once retries end. */
class FailedAttempt extends Error {
  readonly asked: number | undefined;

  constructor(
    readonly outcome: Outcome,
    readonly response: AttemptResponse | undefined,
    readonly failure: unknown,
  ) {
    super('attempt failed');
    this.asked = outcome.kind === 'response' ? requestedDelayMs(outcome.headers) : undefined;
  }
}

/** Sends once under the per-attempt timeout; a 2xx comes back with its body read. */
async function attempt(
  request: TransportRequest,
  sendAttempt: SendAttempt,
  timeoutMs: number,
  onAttempt: TransportOptions['onAttempt'],
  info: RequestInfo,
): Promise<TransportResponse> {
  let response: AttemptResponse;
  const started = Date.now();
  const report = (status: AttemptEvent['status']) => onAttempt?.({ request: info, status, durationMs: Date.now() - started });
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(new AttemptTimeout()), timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
  try {
    response = await sendAttempt(request, signal);
  } catch (error) {
    if (request.signal?.aborted) throw error;
    report(timer.signal.aborted ? 'timeout' : 'network');
    throw new FailedAttempt(timer.signal.aborted ? { kind: 'timeout' } : classifyFailure(error, request.url), undefined, error);
  } finally {
    clearTimeout(timeout);
  }
  report(response.status);
  if (response.status >= 200 && response.status < 300) {
    return { status: response.status, headers: headersToRecord(response.headers), body: await readBody(response) };
  }
  throw new FailedAttempt({ kind: 'response', status: response.status, headers: response.headers }, response, undefined);
}

function decide(error: unknown, attempt: number, method: string, retry: RetryOptions, random: () => number): RetryDecision {
  if (!(error instanceof FailedAttempt) || !shouldRetry(method, error.outcome)) return { retry: false };
  const asked = error.asked;
  if (asked === undefined) return { retry: true, delayMs: backoffDelayMs(attempt, retry, random) };
  if (asked > retry.maxRetryAfterMs) return { retry: false };
  // Jitter on top of GitLab's requested wait spreads clients that were limited together.
  return { retry: true, delayMs: asked + Math.round(random() * retry.baseDelayMs) };
}

function classifyFailure(error: unknown, url: string): Outcome {
  const code = errorCode(error);
  if (url.startsWith('https:') && answeredPlainHttp(error)) return { kind: 'plain-http' };
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'refused' };
  return { kind: 'reset' };
}

/** OpenSSL's words when the server's first bytes are not TLS (an HTTP answer). */
function answeredPlainHttp(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_HTTP_REQUEST') return true;
    if (typeof message === 'string' && /wrong version number|packet length too long|http request/i.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

function failureError(info: RequestInfo, outcome: Outcome, cause: unknown): Error {
  const where = `${info.method} ${info.path}`;
  if (outcome.kind === 'plain-http') {
    return new NetworkError(
      'NETWORK',
      `GitLab answered plain HTTP to an HTTPS request on ${where}: a host given without a scheme is reached over https://. If this GitLab serves only HTTP, give its URL with http:// (the token then travels unencrypted).`,
      { request: info, cause: sanitize(cause) },
    );
  }
  if (outcome.kind === 'timeout') {
    const outcomeUnknown = !isIdempotent(info.method);
    return new TimeoutError(`No answer from GitLab within the timeout on ${where}${outcomeUnknown ? '; GitLab may have acted' : ''}.`, {
      request: info,
      outcomeUnknown,
      cause: sanitize(cause),
    });
  }
  const code = errorCode(cause);
  return new NetworkError('NETWORK', `Cannot reach GitLab on ${where}${code ? ` (${code})` : ''}. Check the host and the network.`, {
    request: info,
    cause: sanitize(cause),
  });
}

function describe(outcome: Outcome): string {
  return outcome.kind === 'response' ? `HTTP ${outcome.status}` : outcome.kind;
}

async function readBody(response: AttemptResponse): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

function headersToRecord(headers: HeaderReader): Record<string, string> {
  if (headers instanceof RecordHeaders) return { ...headers.record };
  const record: Record<string, string> = {};
  (headers as Headers).forEach((value, key) => {
    record[key] = value;
  });
  return record;
}

/** A plain header record (lower-case names) read through the policy's `get`. */
export class RecordHeaders implements HeaderReader {
  constructor(readonly record: Record<string, string>) {}
  get(name: string): string | null {
    return this.record[name.toLowerCase()] ?? null;
  }
}
