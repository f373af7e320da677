export { createGitlabClient, type GitlabClient, type GitlabClientOptions, type GitlabToken } from './client.js';
export { normalizeHost } from './host.js';
export { createTransport, type TransportOptions, type RetryEvent } from './transport.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry-policy.js';
export { gitlabMessageOf } from './error-mapping.js';
export { unlessNotFound, deletedUnlessGone } from './not-found.js';
