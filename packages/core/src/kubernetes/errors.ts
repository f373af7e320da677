/**
 * Typed Kubernetes API errors. This file does not import @kubernetes/client-node, so the main
 * entry exports these classes without loading the client.
 *
 * Invariant: an apiserver's answer may echo what was sent (a Secret's data!), so these errors
 * keep only the HTTP status, the Status `reason`, the field paths of an Invalid answer and the
 * wait it asked for: never the body, the Status message or any value.
 */
import { GlkeysError } from '../errors.js';

/** What was asked, in Kubernetes' words: `update` `Secret` in `flux-system` named `flux-system`. */
export interface KubeRequest {
  /** get, list, create, update, patch, apply, delete. */
  verb: string;
  /** The kind, e.g. `Secret`, `Namespace`. */
  resource: string;
  namespace?: string;
  name?: string;
  /** A server-side dry run: checked, nothing changed. */
  dryRun?: boolean;
}

/**
 * Status reasons: the apiserver's (NotFound, AlreadyExists, Conflict, Invalid, Forbidden,
 * Unauthorized, TooManyRequests, InternalError, ServiceUnavailable, …) or, when nothing was
 * answered, ours: Timeout (no answer in time) and Unreachable (no connection), Unknown (any
 * other failure of the client).
 */
export type KubeReason = string;

/** A Kubernetes API call failed. `status` is undefined when the apiserver did not answer. */
export class KubernetesApiError extends GlkeysError {
  readonly status: number | undefined;
  readonly reason: KubeReason;
  readonly request: KubeRequest;
  /** The wait the apiserver asked for (Status `details.retryAfterSeconds` or Retry-After). */
  readonly retryAfterMs: number | undefined;
  /** For Invalid: the paths of the refused fields (`details.causes[].field`), e.g. `data[bad key]`. */
  readonly fields: string[];

  constructor(
    message: string,
    init: {
      request: KubeRequest;
      status?: number | undefined;
      reason: KubeReason;
      retryAfterMs?: number | undefined;
      fields?: string[];
      cause?: unknown;
    },
    code: 'KUBERNETES' | 'CONFLICT' = 'KUBERNETES',
  ) {
    super(code, message, { cause: init.cause });
    this.request = init.request;
    this.status = init.status;
    this.reason = init.reason;
    this.retryAfterMs = init.retryAfterMs;
    this.fields = init.fields ?? [];
  }
}

/**
 * 409: Conflict (the object changed since it was read) or AlreadyExists (it was created
 * meanwhile). Read again and decide afresh; never a reason to create a second credential.
 */
export class ConflictError extends KubernetesApiError {
  constructor(message: string, init: ConstructorParameters<typeof KubernetesApiError>[1]) {
    super(message, init, 'CONFLICT');
  }
}

/** `update Secret ns/name`, as messages name a request. */
export function describeKubeRequest(request: KubeRequest): string {
  const object = [request.namespace, request.name].filter(Boolean).join('/');
  return `${request.dryRun ? 'dry-run ' : ''}${request.verb} ${request.resource}${object ? ` ${object}` : ''}`;
}
