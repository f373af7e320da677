/**
 * The HTTP transport under gitbeaker: one function that sends a request with ky, applies
 * the timeout, the retry policy (retry-policy.ts) and the CA bundle, and maps failures to
 * typed errors. ky's own retry is off because its policy cannot tell a create from a read.
 */
import ky, { TimeoutError as KyTimeoutError } from 'ky';
import { NetworkError, TimeoutError, type RequestInfo } from '../errors.js';
import { errorFromResponse } from './error-mapping.js';
import { createNodeFetch } from './node-fetch.js';
import {
  DEFAULT_RETRY,
  backoffDelayMs,
  isIdempotent,
  requestedDelayMs,
  shouldRetry,
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

export function createTransport(options: TransportOptions = {}): Transport {
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const http = ky.create({
    fetch: createNodeFetch(options.ca === undefined ? {} : { ca: options.ca }),
    retry: 0,
    timeout: options.timeoutMs ?? 30_000,
    throwHttpErrors: false,
    headers: { 'user-agent': options.userAgent ?? 'glkeys' },
  });

  return async function send(request) {
    const info: RequestInfo = { method: request.method, path: request.path };
    for (let attempt = 0; ; attempt += 1) {
      let outcome: Outcome;
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await http(request.url, {
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          ...(request.signal ? { signal: request.signal } : {}),
        });
        outcome = { kind: 'response', status: response.status, headers: response.headers };
      } catch (error) {
        if (request.signal?.aborted) throw error;
        failure = error;
        outcome = classifyFailure(error);
      }

      if (response && response.ok) {
        return { status: response.status, headers: headersToRecord(response.headers), body: await readBody(response) };
      }
      const retryable = attempt < retry.limit && shouldRetry(request.method, outcome);
      const asked = outcome.kind === 'response' ? requestedDelayMs(outcome.headers) : undefined;
      if (retryable && (asked === undefined || asked <= retry.maxRetryAfterMs)) {
        // Jitter on top of GitLab's requested wait spreads clients that were limited together.
        const delayMs = asked !== undefined ? asked + Math.round(random() * retry.baseDelayMs) : backoffDelayMs(attempt, retry, random);
        options.onRetry?.({ request: info, attempt: attempt + 1, delayMs, reason: describe(outcome) });
        if (response) await response.body?.cancel().catch(() => undefined);
        await sleep(delayMs);
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
  if (error instanceof KyTimeoutError) return { kind: 'timeout' };
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

async function readBody(response: Response): Promise<unknown> {
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

function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  headers.forEach((value, key) => {
    record[key] = value;
  });
  return record;
}
