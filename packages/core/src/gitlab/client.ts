/**
 * The GitLab client: core's own calls (`request`, `paginate`: everything core itself does)
 * plus gitbeaker's resource classes, for SDK users, as the rest of GitLab's API. Both run over
 * one ky transport, which owns timeouts, retries, the CA and typed errors.
 */
import {
  Commits,
  DeployKeys,
  DeployTokens,
  GroupMembers,
  Groups,
  Lint,
  Namespaces,
  PersonalAccessTokens,
  ProjectMembers,
  ProjectVariables,
  Projects,
  RepositoryFiles,
  Users,
} from '@gitbeaker/core';
import { createRequesterFn, type RequestOptions } from '@gitbeaker/requester-utils';
import { createApiCalls, tokenProvider, type GitlabApi, type GitlabToken } from './api.js';
import { normalizeHost } from './host.js';
import { createTransport } from './ky-engine.js';
import type { Transport, TransportOptions } from './transport.js';

export type { GitlabToken } from './api.js';

export interface GitlabClientOptions extends TransportOptions {
  /** Base URL or hostname of the GitLab instance. */
  host: string;
  /** A personal, group or project access token, or a function that returns the current one. */
  token: GitlabToken;
  /** Send the token as `Authorization: Bearer` (OAuth) instead of `PRIVATE-TOKEN`. */
  oauth?: boolean;
}

/**
 * Core's own calls (`request`, `paginate`) plus gitbeaker's resources over the same transport.
 * Core never calls the resources; they are the rest of GitLab's API for SDK users, with
 * glkeys' timeouts, retries, CA and typed errors.
 */
export interface GitlabClient extends GitlabApi {
  readonly deployTokens: DeployTokens;
  readonly deployKeys: DeployKeys;
  readonly projects: Projects;
  readonly projectMembers: ProjectMembers;
  readonly projectVariables: ProjectVariables;
  readonly groups: Groups;
  readonly groupMembers: GroupMembers;
  readonly namespaces: Namespaces;
  readonly users: Users;
  readonly personalAccessTokens: PersonalAccessTokens;
  readonly commits: Commits;
  readonly repositoryFiles: RepositoryFiles;
  readonly lint: Lint;
}

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  const host = normalizeHost(options.host);
  const apiUrl = `${host}/api/v4`;
  const token = tokenProvider(options.token);
  const transport = createTransport(options);

  const requesterFn = createRequesterFn(
    async (_resource, requestOptions) => requestOptions,
    (endpoint, raw) => send(transport, apiUrl, endpoint, raw as RequestOptions),
  );
  // The token goes in through gitbeaker's auth header hook so it can be a rotating provider.
  const tokenOption = options.oauth ? { oauthToken: token } : { token };
  const shared = { host, requesterFn, queryTimeout: null, rateLimits: {}, ...tokenOption };

  return {
    host,
    apiUrl,
    deployTokens: new DeployTokens(shared),
    deployKeys: new DeployKeys(shared),
    projects: new Projects(shared),
    projectMembers: new ProjectMembers(shared),
    projectVariables: new ProjectVariables(shared),
    groups: new Groups(shared),
    groupMembers: new GroupMembers(shared),
    namespaces: new Namespaces(shared),
    users: new Users(shared),
    personalAccessTokens: new PersonalAccessTokens(shared),
    commits: new Commits(shared),
    repositoryFiles: new RepositoryFiles(shared),
    lint: new Lint(shared),
    ...createApiCalls(apiUrl, transport, token, options.oauth ?? false),
  };
}

function send(transport: Transport, apiUrl: string, endpoint: string, options: RequestOptions) {
  const query = options.searchParams ? `?${options.searchParams}` : '';
  // Resources such as ProjectVariables put part of the path in prefixUrl (`…/api/v4/projects`).
  const prefix = (options.prefixUrl ?? apiUrl).replace(/\/+$/, '');
  const url = `${prefix}/${endpoint}`;
  // The API-relative path, for errors: `projects/group%2Fapp/variables`.
  const path = url.startsWith(`${apiUrl}/`) ? url.slice(apiUrl.length + 1) : endpoint;
  return transport({
    method: (options.method ?? 'GET').toUpperCase(),
    url: `${url}${query}`,
    path,
    headers: options.headers ?? {},
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.signal ? { signal: options.signal } : {}),
  }) as Promise<{ status: number; headers: Record<string, string>; body: never }>;
}
