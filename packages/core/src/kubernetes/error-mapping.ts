/**
 * Turns what @kubernetes/client-node throws into a KubernetesApiError. Its ApiException carries
 * the apiserver's whole answer in `message` and `body` (for a Secret that can echo data), so only
 * the status, the Status object's `reason`, `details.causes[].field` and `details.retryAfterSeconds`
 * and the Retry-After header are read; the exception itself is never kept as a cause.
 * Works on the exception's shape, so this file does not import the client either.
 */
import { requestedDelayMs } from '../gitlab/retry-policy.js';
import { ConflictError, KubernetesApiError, describeKubeRequest, type KubeRequest } from './errors.js';
import { sanitizedCause as sanitize, systemErrorCode as errorCode } from '../error-cause.js';

/** Connection failures: nothing reached the apiserver, or the connection broke. */
const UNREACHABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

/** The reason the apiserver gives with each status, for answers without a Status body (a bare 401). */
const REASON_OF_STATUS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  410: 'Gone',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

interface StatusBody {
  reason?: unknown;
  details?: { retryAfterSeconds?: unknown; causes?: Array<{ field?: unknown }> };
}

export function kubernetesErrorFrom(request: KubeRequest, error: unknown): KubernetesApiError {
  if (error instanceof KubernetesApiError) return error;
  const status = httpStatusOf(error);
  if (status !== undefined) return answerError(request, status, error as { body?: unknown; headers?: unknown });
  const code = errorCode(error);
  const what = describeKubeRequest(request);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new KubernetesApiError(`Kubernetes API: cannot reach the apiserver for ${what} (${code})`, {
      request,
      reason: 'Unreachable',
      cause: sanitize(error),
    });
  }
  const kind = error instanceof Error ? error.name : typeof error;
  return new KubernetesApiError(`Kubernetes API: ${what} failed (${kind}${code ? ` ${code}` : ''})`, {
    request,
    reason: 'Unknown',
    cause: sanitize(error),
  });
}

/** The error for "no answer within `timeoutMs`". */
export function kubeTimeoutError(request: KubeRequest, timeoutMs: number): KubernetesApiError {
  return new KubernetesApiError(`Kubernetes API: no answer to ${describeKubeRequest(request)} within ${timeoutMs} ms`, {
    request,
    reason: 'Timeout',
  });
}

function answerError(request: KubeRequest, status: number, error: { body?: unknown; headers?: unknown }): KubernetesApiError {
  const body = statusBody(error.body);
  const reason =
    typeof body?.reason === 'string' && /^[A-Za-z]{1,64}$/.test(body.reason) ? body.reason : (REASON_OF_STATUS[status] ?? `HTTP${status}`);
  const causes = body?.details?.causes;
  const paths = (Array.isArray(causes) ? causes : [])
    .map((cause) => cause?.field)
    .filter((field): field is string => typeof field === 'string' && field !== '')
    // Paths, not values; still, no control characters reach a terminal and no list grows long.
    .map((field) => field.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200));
  const fields = [...new Set(paths)].slice(0, 10);
  const retryAfterMs = retryAfterOf(body, error.headers);
  const verdict = status >= 500 ? 'failed' : 'refused';
  const message = `Kubernetes API: ${describeKubeRequest(request)} ${verdict} (${status} ${reason})${fields.length ? `; invalid field${fields.length > 1 ? 's' : ''}: ${fields.join(', ')}` : ''}`;
  const init = { request, status, reason, fields, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  return status === 409 ? new ConflictError(message, init) : new KubernetesApiError(message, init);
}

/** The client hands the body over as parsed JSON or as text, depending on the call. */
function statusBody(body: unknown): StatusBody | undefined {
  if (typeof body === 'string') {
    try {
      return statusBody(JSON.parse(body));
    } catch {
      return undefined;
    }
  }
  return typeof body === 'object' && body !== null ? body : undefined;
}

function retryAfterOf(body: StatusBody | undefined, headers: unknown): number | undefined {
  const seconds = body?.details?.retryAfterSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  if (typeof headers !== 'object' || headers === null) return undefined;
  const record = headers as Record<string, unknown>;
  const key = Object.keys(record).find((name) => name.toLowerCase() === 'retry-after');
  const value = key === undefined ? undefined : record[key];
  // Only Retry-After: the GitLab policy's RateLimit-Reset fallback is not a Kubernetes header.
  return typeof value === 'string' ? requestedDelayMs({ get: (name) => (name === 'retry-after' ? value : null) }) : undefined;
}

/** The HTTP status of a client exception (`code` on ApiException, `statusCode` on older shapes). */
export function httpStatusOf(error: unknown): number | undefined {
  const e = error as { code?: unknown; statusCode?: unknown; response?: { statusCode?: unknown } } | null;
  const code = e?.code ?? e?.statusCode ?? e?.response?.statusCode;
  return typeof code === 'number' && code >= 100 && code < 600 ? code : undefined;
}
