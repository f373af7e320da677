/**
 * Core's own GitLab calls over the transport: one request and offset pagination. Reads of
 * deploy tokens and keys go through here rather than gitbeaker, so they work on both the
 * SDK client and the lean reader (reader.ts) that the CLI starts with.
 */
import { ValidationError } from '../errors.js';
import type { Transport, TransportResponse } from './transport.js';

export type GitlabToken = string | (() => Promise<string>);

export interface GitlabApi {
  readonly host: string;
  readonly apiUrl: string;
  /** One call. `path` is API-relative and already escaped (`projects/a%2Fb/deploy_tokens`). */
  request(method: string, path: string, init?: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal }): Promise<TransportResponse>;
  /** Every item of a paginated GET, 100 per page, following `X-Next-Page` (at most `maxPages` pages). */
  paginate<T = Record<string, unknown>>(path: string, query?: Record<string, string>, options?: { maxPages?: number }): Promise<T[]>;
}

/** A runaway guard: 1,000 pages of 100 is more than any project's deploy credentials. */
const MAX_PAGES = 1000;

export function createApiCalls(
  apiUrl: string,
  transport: Transport,
  token: () => Promise<string>,
  oauth: boolean,
): Pick<GitlabApi, 'request' | 'paginate'> {
  async function request(method: string, path: string, init: { query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {}): Promise<TransportResponse> {
    const query = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
    const value = await token();
    const headers: Record<string, string> = oauth ? { authorization: `Bearer ${value}` } : { 'private-token': value };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    return transport({
      method: method.toUpperCase(),
      url: `${apiUrl}/${path}${query}`,
      path,
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      ...(init.signal ? { signal: init.signal } : {}),
    });
  }

  async function paginate<T>(path: string, query: Record<string, string> = {}, options: { maxPages?: number } = {}): Promise<T[]> {
    const items: T[] = [];
    const maxPages = Math.min(options.maxPages ?? MAX_PAGES, MAX_PAGES);
    for (let page = 1, pages = 0; pages < maxPages; pages += 1) {
      const response = await request('GET', path, { query: { ...query, per_page: '100', page: String(page) } });
      if (Array.isArray(response.body)) items.push(...(response.body as T[]));
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
