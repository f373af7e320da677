/**
 * The lean GitLab reader: host, token and core's own calls over the node engine, with no
 * gitbeaker and no ky loaded. Everything core reads through `GitlabApi` (deploy tokens and
 * keys) works with it; the full client (client.ts) is a superset.
 */
import { createApiCalls, tokenProvider, type GitlabApi, type GitlabToken } from './api.js';
import { normalizeHost } from './host.js';
import { createNodeTransport } from './node-engine.js';
import type { TransportOptions } from './transport.js';

export interface GitlabReaderOptions extends TransportOptions {
  /** Base URL or hostname of the GitLab instance. */
  host: string;
  /** A personal, group or project access token, or a function that returns the current one. */
  token: GitlabToken;
  /** Send the token as `Authorization: Bearer` (OAuth) instead of `PRIVATE-TOKEN`. */
  oauth?: boolean;
}

export function createGitlabReader(options: GitlabReaderOptions): GitlabApi {
  const host = normalizeHost(options.host);
  const apiUrl = `${host}/api/v4`;
  const token = tokenProvider(options.token);
  return { host, apiUrl, ...createApiCalls(apiUrl, createNodeTransport(options), token, options.oauth ?? false) };
}
