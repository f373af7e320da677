// Authentication and PAT scopes, in GitLab's order: 401 for missing, unknown,
// expired or revoked tokens, then 403 insufficient_scope, before any lookup.
import type { IncomingHttpHeaders } from 'node:http';
import type { PersonalAccessToken, User } from './state/model.js';
import type { SimState } from './state/store.js';
import type { Route } from './router.js';
import { HttpError, json, gitlabError } from './http/response.js';

export interface Caller {
  user: User | null;
  pat: PersonalAccessToken | null;
}

function tokenFrom(headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined {
  const header = headers['private-token'];
  if (typeof header === 'string' && header !== '') return header;
  const authz = headers['authorization'];
  if (typeof authz === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(authz);
    if (m) return m[1]?.trim();
  }
  return query.get('private_token') ?? query.get('access_token') ?? undefined;
}

function invalidToken(description: string): HttpError {
  return new HttpError(
    json(
      401,
      { error: 'invalid_token', error_description: description },
      { 'WWW-Authenticate': `Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="${description}"` },
    ),
  );
}

function isExpired(pat: PersonalAccessToken, now = new Date()): boolean {
  // PATs expire at the start of their expires_at day (UTC), like GitLab.
  return pat.expiresAt !== null && Date.parse(`${pat.expiresAt}T00:00:00Z`) <= now.getTime();
}

export function authenticate(state: SimState, route: Route, method: string, headers: IncomingHttpHeaders, query: URLSearchParams): Caller {
  const token = tokenFrom(headers, query);
  if (token === undefined) {
    if (route.auth === 'optional') return { user: null, pat: null };
    throw gitlabError.unauthorized();
  }
  const pat = state.patByValue(token);
  const user = pat ? state.users.get(pat.userId) : undefined;
  if (!pat || !user || user.state !== 'active') throw gitlabError.unauthorized();
  if (isExpired(pat)) throw invalidToken('Token has expired.');
  if (pat.revoked) throw invalidToken('Token was revoked. You have to re-authorize from the user.');

  const read = method === 'GET' || method === 'HEAD';
  const allowed = read ? ['api', 'read_api', ...(route.extraReadScopes ?? [])] : ['api'];
  if (!allowed.includes('*') && !pat.scopes.some((s) => allowed.includes(s))) {
    throw new HttpError(
      json(403, {
        error: 'insufficient_scope',
        error_description: 'The request requires higher privileges than provided by the access token.',
        scope: allowed.join(' '),
      }),
    );
  }
  pat.lastUsedAt = new Date().toISOString();
  return { user, pat };
}
