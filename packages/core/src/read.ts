/**
 * `@glkeys/core/read`: what a read-only caller needs (IDs, targets, errors, the lean reader,
 * deploy token and key reads), loadable without gitbeaker, ky, ssh2 or the Kubernetes client.
 * The CLI's start-up-critical commands import only this; the main entry exports all of it too.
 */
export * from './errors.js';
export * from './ids/index.js';
export * from './target.js';
export { normalizeHost } from './gitlab/host.js';
export { createGitlabReader, type GitlabReaderOptions } from './gitlab/reader.js';
export type { GitlabApi, GitlabCallOptions, GitlabRequestInit, GitlabResponse, GitlabToken, PaginateOptions } from './gitlab/api.js';
export type { TransportOptions, RetryEvent } from './gitlab/transport.js';
export { listDeployTokens, getDeployToken, isDeployTokenAlive, type DeployToken } from './deploy-tokens/api.js';
export type { DeployTokenScope } from './deploy-tokens/scopes.js';
export { listDeployKeys, getDeployKey, isDeployKeyAlive, type DeployKey } from './deploy-keys/api.js';
