/**
 * `@glkeys/core/read`: what a read-only caller needs (errors, IDs and targets, the lean reader,
 * deploy token and key reads), loadable without gitbeaker, ky, ssh2 or the Kubernetes client:
 * so import nothing here from a file that does (test/public-api.test.ts checks it). The CLI's
 * start-up-critical commands import only this. The main entry exports all of it too.
 */
export {
  GlkeysError,
  ValidationError,
  GitlabApiError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  TargetNotFoundError,
  CredentialElsewhereError,
  GitlabValidationError,
  RateLimitedError,
  GitlabServerError,
  NetworkError,
  TimeoutError,
  LifecycleError,
  ForeignStateError,
  isGlkeysError,
  isTerminal,
  retryAfterMs,
  GLKEYS_ERROR_CODES,
  type GlkeysErrorCode,
  type RequestInfo,
  type ForeignCredentials,
} from './errors.js';
export { parseGitlabRef, encodeId, formatRef, type GitlabRef, type ParseRefOptions } from './ids/gitlab-ref.js';
export { resolveTarget, describeTarget, type CredentialTarget } from './target.js';
export { parseDuration, DURATION_RULE, DURATION_PATTERN, MIN_EXPIRY_MS } from './expiry.js';
export { shown, escapeControl } from './shown.js';
export { normalizeHost } from './gitlab/host.js';
export { createGitlabReader, type GitlabReaderOptions } from './gitlab/reader.js';
export type { GitlabApi, GitlabCallOptions, GitlabRequestInit, GitlabResponse, GitlabToken, PaginateOptions } from './gitlab/api.js';
export type { TransportOptions, RetryEvent } from './gitlab/transport.js';
export { listDeployTokens, getDeployToken, isDeployTokenAlive, type DeployToken } from './deploy-tokens/api.js';
export type { DeployTokenScope } from './deploy-tokens/scopes.js';
export { listDeployKeys, getDeployKey, isDeployKeyAlive, type DeployKey } from './deploy-keys/api.js';
