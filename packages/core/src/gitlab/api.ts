/**
 * Core's own GitLab calls over the transport: one request and offset pagination. Every call
 * core makes goes through here rather than gitbeaker's resources: each caller declares the
 * wire shape it reads, the caller's abort signal reaches the transport, pagination lives in one
 * place, and the same code runs on the SDK client and on the lean reader (reader.ts).
 */
import { ValidationError } from '../errors.js';
import type { Transport, TransportResponse } from './transport.js';

export type GitlabToken = string | (() => Promise<string>);

/** What every exported GitLab-calling function of core takes last: the caller's cancellation. */
export interface GitlabCallOptions {
  /** Aborts the call: no request is sent once it is aborted, and a running attempt or retry wait ends with its reason. */
  signal?: AbortSignal | undefined;
}

/** Just the signal of a function's options, for passing on (the rest are that function's own). */
export function signalOnly(options: GitlabCallOptions): GitlabCallOptions {
  return options.signal ? { signal: options.signal } : {};
}

export interface GitlabRequestInit extends GitlabCallOptions {
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
}

export interface PaginateOptions extends GitlabCallOptions {
  maxPages?: number;
}

/**
 * An answer whose body the caller declares as `T`: GitLab's documented wire shape of that
 * resource (snake_case), not checked at run time; callers map it to core's own types.
 */
export interface GitlabResponse<T = unknown> extends TransportResponse {
  body: T;
}

export interface GitlabApi {
  readonly host: string;
  readonly apiUrl: string;
  /** One call. `path` is API-relative and already escaped (`projects/a%2Fb/deploy_tokens`). */
  request<T = unknown>(method: string, path: string, init?: GitlabRequestInit): Promise<GitlabResponse<T>>;
  /** Every item of a paginated GET, 100 per page, following `X-Next-Page` (at most `maxPages` pages). */
  paginate<T = Record<string, unknown>>(path: string, query?: Record<string, string>, options?: PaginateOptions): Promise<T[]>;
}

/** A runaway guard: 1,000 pages of 100 is more than any project's deploy credentials. */
const MAX_PAGES = 1000;

export function createApiCalls(
  apiUrl: string,
  transport: Transport,
  token: () => Promise<string>,
  oauth: boolean,
): Pick<GitlabApi, 'request' | 'paginate'> {
  async function request<T>(method: string, path: string, init: GitlabRequestInit = {}): Promise<GitlabResponse<T>> {
    // Before the token provider runs: an aborted call sends nothing and asks for nothing.
    init.signal?.throwIfAborted();
    const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
    const value = await token();
    const headers: Record<string, string> = oauth ? { authorization: `Bearer ${value}` } : { 'private-token': value };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await transport({
      method: method.toUpperCase(),
      url: `${apiUrl}/${path}${query}`,
      path,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...signalOnly(init),
    });
    // The one place a wire shape is taken on trust (see GitlabResponse).
    return response as GitlabResponse<T>;
  }

  async function paginate<T>(path: string, query: Record<string, string> = {}, options: PaginateOptions = {}): Promise<T[]> {
    const items: T[] = [];
    const maxPages = Math.min(options.maxPages ?? MAX_PAGES, MAX_PAGES);
    for (let page = 1, pages = 0; pages < maxPages; pages += 1) {
      const response = await request<T[]>('GET', path, {
        query: { ...query, per_page: '100', page: String(page) },
        ...signalOnly(options),
      });
      if (Array.isArray(response.body)) items.push(...response.body);
      const next = Number(response.headers['x-next-page'] ?? '');
      // GitLab leaves X-Next-Page empty on the last page (and omits it past 10,000 items).
      if (!Number.isSafeInteger(next) || next <= page) break;
      page = next;
    }
    return items;
  }

  return { request, paginate };
}

/** The token as a provider; its shape is checked before any call, without repeating it. */
export function tokenProvider(token: GitlabToken): () => Promise<string> {
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
