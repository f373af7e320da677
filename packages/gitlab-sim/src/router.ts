// Route templates -> handlers. Matching works on raw (still percent-encoded)
// path segments, so `platform%2Fapps%2Fweb` is one `:id` while the unencoded
// `platform/apps/web` spans three segments and matches nothing, as on GitLab.
import type { PersonalAccessToken, User } from './state/model.js';
import type { SimState } from './state/store.js';
import type { Params } from './http/params.js';
import type { SimResponse } from './http/response.js';

export interface RouteContext {
  state: SimState;
  /** Decoded path parameters. */
  params: Record<string, string>;
  /** Query and body merged, like Grape's `params`. */
  input: Params;
  query: URLSearchParams;
  method: string;
  /** Raw path below /api/v4 (still encoded). */
  rawPath: string;
  user: User | null;
  pat: PersonalAccessToken | null;
  /** e.g. http://127.0.0.1:43123 */
  baseUrl: string;
}

export type Handler = (ctx: RouteContext) => SimResponse | Promise<SimResponse>;

export interface Route {
  method: string;
  /** Template below /api/v4, e.g. `/projects/:id/deploy_tokens`. */
  template: string;
  /** `optional` routes also answer anonymous callers (public resources). */
  auth: 'required' | 'optional';
  /** Extra PAT scopes that allow this (read) route besides api/read_api. */
  extraReadScopes?: string[];
  handler: Handler;
}

export interface RouteMatch {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  private readonly routes: Array<Route & { segments: string[] }> = [];

  add(route: Route): void {
    this.routes.push({ ...route, segments: route.template.split('/').filter((s) => s !== '') });
  }

  /** Every route as `METHOD /template`, in registration order (what the contract suite must drive). */
  list(): string[] {
    return this.routes.map((r) => `${r.method} ${r.template}`);
  }

  /** `undefined` = no template matches; `'method'` = the path exists with other methods. */
  match(method: string, rawPath: string): RouteMatch | 'method' | undefined {
    const parts = rawPath.split('/').filter((s) => s !== '');
    let pathMatched = false;
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { route: r, params };
      pathMatched = true;
    }
    return pathMatched ? 'method' : undefined;
  }
}

function matchSegments(template: string[], parts: string[]): Record<string, string> | undefined {
  if (template.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < template.length; i++) {
    const t = template[i] as string;
    const p = parts[i] as string;
    if (t.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(p);
      } catch {
        return undefined;
      }
      params[t.slice(1)] = decoded;
    } else if (t !== p) {
      return undefined;
    }
  }
  return params;
}
