/**
 * The GitLab client: gitbeaker's resource classes over our ky transport. Resources build
 * endpoints and pagination; the transport owns timeouts, retries, the CA and typed errors.
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
import { ValidationError } from '../errors.js';
import { normalizeHost } from './host.js';
import { createTransport, type Transport, type TransportOptions, type TransportResponse } from './transport.js';

export type GitlabToken = string | (() => Promise<string>);

export interface GitlabClientOptions extends TransportOptions {
  /** Base URL or hostname of the GitLab instance. */
  host: string;
  /** A personal, group or project access token, or a function that returns the current one. */
  token: GitlabToken;
  /** Send the token as `Authorization: Bearer` (OAuth) instead of `PRIVATE-TOKEN`. */
  oauth?: boolean;
}

export interface GitlabClient {
  readonly host: string;
  readonly apiUrl: string;
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
  /** A raw call for routes gitbeaker lacks. `path` is API-relative and already escaped. */
  request(method: string, path: string, init?: { query?: Record<string, string>; body?: unknown }): Promise<TransportResponse>;
}

export function createGitlabClient(options: GitlabClientOptions): GitlabClient {
  const host = normalizeHost(options.host);
  const apiUrl = `${host}/api/v4`;
  const token = checkToken(options.token);
  const transport = createTransport(options);
  const authHeader = async (): Promise<Record<string, string>> => {
    const value = await token();
    return options.oauth ? { authorization: `Bearer ${value}` } : { 'private-token': value };
  };

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
    async request(method, path, init = {}) {
      const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
      const headers: Record<string, string> = { ...(await authHeader()) };
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      return transport({
        method: method.toUpperCase(),
        url: `${apiUrl}/${path}${query}`,
        path,
        headers,
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    },
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

function checkToken(token: GitlabToken): () => Promise<string> {
  if (typeof token === 'function') {
    return async () => assertTokenShape(await token());
  }
  assertTokenShape(token);
  return async () => token;
}

function assertTokenShape(token: unknown): string {
  // The message never repeats the value: it may be a real token with a typo.
  if (typeof token !== 'string' || token.trim() === '') {
    throw new ValidationError('token', 'not empty', 'token: a GitLab access token is required (GITLAB_TOKEN)');
  }
  if (/[\s\u0000-\u001f]/.test(token)) {
    throw new ValidationError('token', 'no whitespace', 'token: contains whitespace or a control character (a pasted newline?)');
  }
  return token;
}
