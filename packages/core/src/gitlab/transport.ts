/**
 * The HTTP transport under gitbeaker and core's own calls: one function that sends a request,
 * applies the per-attempt timeout, the retry policy (retry-policy.ts) and maps failures to
 * typed errors. Engines move the bytes: ky (ky-engine.ts, the SDK client's) or plain
 * node:http (node-engine.ts, for the CLI's start-up-critical reads).
 */
import { NetworkError, TimeoutError, type RequestInfo } from '../errors.js';
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

export interface TransportOptions {
  /** Per-attempt timeout. Default 30 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** PEM CA bundle trusted for this GitLab, in addition to the system roots. */
  ca?: string | Buffer;
  /** Told about each retry (for progress lines and metrics); never gets headers or bodies. */
  onRetry?: (event: RetryEvent) => void;
  /** For tests: replace the wait between attempts and the jitter source. The caller's abort ends a wait either way. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  userAgent?: string;
}

export interface RetryEvent {
  request: RequestInfo;
  attempt: number;
  delayMs: number;
  reason: string;
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

/** Clears its timer on abort, so an aborted CLI does not linger for a backoff it will never use. */
const realSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const cancel = () => clearTimeout(timer);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', cancel);
      resolve();
    }, ms);
    signal?.addEventListener('abort', cancel, { once: true });
  });

/** The wait between attempts; the caller's abort rejects it at once with the abort reason, whatever `sleep` does. */
function waitUnlessAborted(sleep: NonNullable<TransportOptions['sleep']>, ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return sleep(ms);
  signal.throwIfAborted();
  return new Promise<void>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    sleep(ms, signal)
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', stop));
  });
}

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
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const timeoutMs = options.timeoutMs ?? 30_000;

  return async function send(request) {
    const info: RequestInfo = { method: request.method, path: request.path };
    for (let attempt = 0; ; attempt += 1) {
      let outcome: Outcome;
      let response: AttemptResponse | undefined;
      let failure: unknown;
      const timer = new AbortController();
      const timeout = setTimeout(() => timer.abort(new AttemptTimeout()), timeoutMs);
      const signal = request.signal ? AbortSignal.any([request.signal, timer.signal]) : timer.signal;
      try {
        response = await sendAttempt(request, signal);
        outcome = { kind: 'response', status: response.status, headers: response.headers };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        failure = error;
        outcome = timer.signal.aborted ? { kind: 'timeout' } : classifyFailure(error);
      } finally {
        clearTimeout(timeout);
      }

      if (response && response.status >= 200 && response.status < 300) {
        return { status: response.status, headers: headersToRecord(response.headers), body: await readBody(response) };
      }
      const retryable = attempt < retry.limit && shouldRetry(request.method, outcome);
      const asked = outcome.kind === 'response' ? requestedDelayMs(outcome.headers) : undefined;
      if (retryable && (asked === undefined || asked <= retry.maxRetryAfterMs)) {
        // Jitter on top of GitLab's requested wait spreads clients that were limited together.
        const delayMs = asked !== undefined ? asked + Math.round(random() * retry.baseDelayMs) : backoffDelayMs(attempt, retry, random);
        options.onRetry?.({ request: info, attempt: attempt + 1, delayMs, reason: describe(outcome) });
        if (response) await response.discard().catch(() => undefined);
        await waitUnlessAborted(sleep, delayMs, request.signal);
        continue;
      }
      if (response) {
        throw errorFromResponse(info, response.status, await readBody(response), asked);
      }
      throw failureError(info, outcome, failure);
    }
  };
}

function classifyFailure(error: unknown): Outcome {
  const code = errorCode(error);
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { kind: 'refused' };
  return { kind: 'reset' };
}

function failureError(info: RequestInfo, outcome: Outcome, cause: unknown): Error {
  const where = `${info.method} ${info.path}`;
  if (outcome.kind === 'timeout') {
    const outcomeUnknown = !isIdempotent(info.method);
    return new TimeoutError(
      `No answer from GitLab within the timeout on ${where}${outcomeUnknown ? '; GitLab may have acted' : ''}.`,
      { request: info, outcomeUnknown, cause: sanitize(cause) },
    );
  }
  const code = errorCode(cause);
  return new NetworkError('NETWORK', `Cannot reach GitLab on ${where}${code ? ` (${code})` : ''}. Check the host and the network.`, {
    request: info,
    cause: sanitize(cause),
  });
}

/** Keeps the error's kind and code but drops anything that could carry request headers. */
function sanitize(error: unknown): Error {
  const code = errorCode(error);
  const name = error instanceof Error ? error.name : 'Error';
  const clean = new Error(`${name}${code ? ` ${code}` : ''}`);
  if (code) (clean as Error & { code?: string }).code = code;
  return clean;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
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
