/**
 * Typed errors. Every error glkeys throws is a GlkeysError with a stable `code`, so
 * adapters can map it to an exit code or a Kubernetes condition without parsing text.
 *
 * Invariant: no message, cause or property of these errors ever holds a secret value
 * (PAT, deploy token, private key). Request details are kept as method + path only;
 * response bodies are reduced to GitLab's message, which never echoes a token.
 */

export type GlkeysErrorCode =
  | 'VALIDATION'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'GITLAB_VALIDATION'
  | 'RATE_LIMITED'
  | 'NETWORK'
  | 'TIMEOUT'
  | 'GITLAB_SERVER'
  | 'LIFECYCLE'
  | 'GIT';

export interface RequestInfo {
  method: string;
  /** Path relative to the API root, e.g. `projects/group%2Fapp/deploy_tokens`. Never a query with secrets. */
  path: string;
}

export class GlkeysError extends Error {
  readonly code: GlkeysErrorCode;

  constructor(code: GlkeysErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Input refused before any GitLab call. `field` names the input, `rule` the broken rule. */
export class ValidationError extends GlkeysError {
  readonly field: string;
  readonly rule: string;

  constructor(field: string, rule: string, message?: string) {
    super('VALIDATION', message ?? `${field}: ${rule}`);
    this.field = field;
    this.rule = rule;
  }
}

/** An error GitLab answered with (or did not answer, for network and timeout). */
export class GitlabApiError extends GlkeysError {
  readonly request: RequestInfo;
  readonly status: number | undefined;
  /** GitLab's own message, flattened to text (`{"message": {...}}` bodies become `field: reason`). */
  readonly gitlabMessage: string | undefined;

  constructor(
    code: GlkeysErrorCode,
    message: string,
    init: { request: RequestInfo; status?: number; gitlabMessage?: string; cause?: unknown },
  ) {
    super(code, message, { cause: init.cause });
    this.request = init.request;
    this.status = init.status;
    this.gitlabMessage = init.gitlabMessage;
  }
}

/** 401: no token, a wrong one, or one that expired or was revoked. */
export class UnauthorizedError extends GitlabApiError {}

/** 403: the token lacks a scope (`missingScope`) or the user's role is too low. */
export class ForbiddenError extends GitlabApiError {
  readonly missingScope: string | undefined;

  constructor(
    message: string,
    init: ConstructorParameters<typeof GitlabApiError>[2] & { missingScope?: string },
  ) {
    super('FORBIDDEN', message, init);
    this.missingScope = init.missingScope;
  }
}

/** 404: missing, or not visible to this token (GitLab does not say which). */
export class NotFoundError extends GitlabApiError {}

/** 400/409/422: GitLab refused the request; `gitlabMessage` says why. */
export class GitlabValidationError extends GitlabApiError {}

/** 429 after the retry budget ran out. `retryAfterMs` is what GitLab last asked for. */
export class RateLimitedError extends GitlabApiError {
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: ConstructorParameters<typeof GitlabApiError>[2] & { retryAfterMs?: number }) {
    super('RATE_LIMITED', message, init);
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** 5xx after the retry budget ran out. */
export class GitlabServerError extends GitlabApiError {}

/** The connection failed or was reset; nothing was answered. */
export class NetworkError extends GitlabApiError {}

/**
 * No answer within the timeout. For a non-idempotent call (a create) the outcome is unknown:
 * the credential may exist. The lifecycle protocol reconciles by the owner marker instead of retrying.
 */
export class TimeoutError extends GitlabApiError {
  readonly outcomeUnknown: boolean;

  constructor(message: string, init: ConstructorParameters<typeof GitlabApiError>[2] & { outcomeUnknown: boolean }) {
    super('TIMEOUT', message, init);
    this.outcomeUnknown = init.outcomeUnknown;
  }
}

/** The lifecycle state handed in is not one this protocol wrote, or disagrees with itself. */
export class LifecycleError extends GlkeysError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LIFECYCLE', message, options);
  }
}

export function isGlkeysError(value: unknown): value is GlkeysError {
  return value instanceof GlkeysError;
}

/** Where a foreign state's credentials live, as far as that state says. */
export interface ForeignCredentials {
  ownerKey: string | undefined;
  kind: string | undefined;
  credentials: { id: number; target?: { kind: 'project' | 'group'; id: number } }[];
}

/**
 * The stored state belongs to another owner (or another kind of credential): two owners name
 * the same Secret. Refused by default, because minting here would fight the other owner
 * forever; replacing it is the caller's explicit choice, and revokes the other owner's credentials.
 */
export class ForeignStateError extends LifecycleError {
  readonly foreign: ForeignCredentials;

  constructor(message: string, foreign: ForeignCredentials) {
    super(message);
    this.foreign = foreign;
  }
}

/** TEMPORARY (replaced by the typed Kubernetes errors): a write refused because the object changed since it was read. */
export class ConflictError extends GlkeysError {
  readonly status = 409;
  constructor(
    message: string,
    readonly reason: 'Conflict' | 'AlreadyExists' = 'Conflict',
  ) {
    super('CONFLICT', message);
  }
}
