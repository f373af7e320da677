/**
 * A `fetch` for ky over node-http.ts instead of Node's built-in fetch (undici's WASM parser
 * costs ~190 ms on first use; see node-http.ts). Scope: what the GitLab API needs: buffered
 * request and response bodies, abort signals, keep-alive, and fetch's redirect rules.
 * Connection errors keep their `code` (ECONNREFUSED, ECONNRESET).
 */
import { createAgents, exchange } from './node-http.js';

export function createNodeFetch(options: { ca?: string | Buffer } = {}): typeof fetch {
  const agents = createAgents(options);
  return async function nodeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : new Request(input, init);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    const raw = await exchange(agents, {
      url: new URL(request.url),
      method: request.method,
      headers,
      body: request.body === null ? undefined : Buffer.from(await request.arrayBuffer()),
      signal: init?.signal ?? request.signal,
      redirect: request.redirect,
    });
    return new Response(raw.body, { status: raw.status, statusText: raw.statusText, headers: raw.headers });
  };
}
