/**
 * Typed errors. Every error glkeys throws is a GlkeysError with a stable `code`, so
 * adapters can map it to an exit code or a Kubernetes condition without parsing text.
 *
 * Invariant: no message, cause or property of these errors ever holds a secret value
 * (PAT, deploy token, private key). Request details are kept as method + path only;
 * response bodies are reduced to GitLab's message, which never echoes a token.
 */

/** Every `code` a GlkeysError carries (the CLI's `--json` and exit codes are documented over these). */
export const GLKEYS_ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'GITLAB_VALIDATION',
  'RATE_LIMITED',
  'NETWORK',
  'TIMEOUT',
  'GITLAB_SERVER',
  'LIFECYCLE',
  'GIT',
  'KUBERNETES',
] as const;

export type GlkeysErrorCode = (typeof GLKEYS_ERROR_CODES)[number];

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

  constructor(message: string, init: ConstructorParameters<typeof GitlabApiError>[2] & { missingScope?: string }) {
    super('FORBIDDEN', message, init);
    this.missingScope = init.missingScope;
  }
}

/** 404: missing, or not visible to this token (GitLab does not say which). */
export class NotFoundError extends GitlabApiError {}

/**
 * The project or group a credential call named does not exist or this token cannot see it
 * (GitLab does not say which). `field` is core's name of that input: `project` or `group`.
 */
export class TargetNotFoundError extends NotFoundError {
  readonly field: 'project' | 'group';

  constructor(message: string, init: ConstructorParameters<typeof NotFoundError>[2] & { field: 'project' | 'group' }) {
    super('NOT_FOUND', message, init);
    this.field = init.field;
  }
}

/**
 * The credential ID is not at the project or group named but at another one this token can
 * see (a group's deploy token given with a project below it). `owner` says where it is.
 */
export class CredentialElsewhereError extends NotFoundError {
  readonly field: 'project' | 'group';
  readonly owner: { kind: 'project' | 'group'; path: string };

  constructor(
    message: string,
    init: ConstructorParameters<typeof NotFoundError>[2] & {
      field: 'project' | 'group';
      owner: { kind: 'project' | 'group'; path: string };
    },
  ) {
    super('NOT_FOUND', message, init);
    this.field = init.field;
    this.owner = init.owner;
  }
}

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

/**
 * Whether retrying the same call with the same inputs cannot help: bad input, a refused
 * credential or role, something missing, GitLab's or the apiserver's refusal of the request,
 * a lifecycle state glkeys did not write, git's auth/host-key/TLS/not-found/rejected failures.
 * Not terminal: network errors, timeouts, 5xx, 429, a Kubernetes conflict (read again and
 * decide afresh) and any error glkeys does not know (a bug may be transient; a controller
 * requeues with backoff). Read from `code` and fields, so an error from another copy of core
 * (another installed version, or one bundled into an app) is judged the same.
 */
export function isTerminal(error: unknown): boolean {
  const code = glkeysCodeOf(error);
  const fields = error as { status?: unknown; reason?: unknown };
  switch (code) {
    case 'VALIDATION':
    case 'LIFECYCLE':
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
    case 'NOT_FOUND':
    case 'GITLAB_VALIDATION':
      return true;
    case 'CONFLICT':
      // A Kubernetes 409 is a race (read again); core's other conflicts are ambiguous input.
      return fields.status !== 409;
    case 'KUBERNETES':
      return typeof fields.status === 'number' && fields.status >= 400 && fields.status < 500 && !TRANSIENT_4XX.has(fields.status);
    case 'GIT':
      return typeof fields.reason === 'string' && TERMINAL_GIT_REASONS.has(fields.reason);
    default:
      return false;
  }
}

/** The wait the server asked for (GitLab's Retry-After on a 429, the apiserver's retryAfterSeconds), if any. */
export function retryAfterMs(error: unknown): number | undefined {
  if (glkeysCodeOf(error) === undefined) return undefined;
  const asked = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof asked === 'number' && Number.isFinite(asked) && asked >= 0 ? asked : undefined;
}

/** 408 Request Timeout, 409 Conflict, 410 Gone (a watch's resourceVersion expired) and 429: try again. */
const TRANSIENT_4XX = new Set([408, 409, 410, 429]);

/** git/exec.ts's GitFailureReason values for which the same command fails the same way again. */
const TERMINAL_GIT_REASONS = new Set(['auth', 'host-key', 'tls', 'not-found', 'rejected']);

const KNOWN_CODES: ReadonlySet<string> = new Set(GLKEYS_ERROR_CODES);

function glkeysCodeOf(error: unknown): GlkeysErrorCode | undefined {
  if (error instanceof GlkeysError) return error.code;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && KNOWN_CODES.has(code) ? (code as GlkeysErrorCode) : undefined;
}
