/**
 * One GitLab HTTP exchange over node:http/https, with fetch's redirect rules, buffered
 * bodies and abort signals. Both engines send through it: the fetch that ky uses
 * (node-fetch.ts) and the lean engine of read-only calls (node-engine.ts).
 *
 * Why not Node's built-in fetch: on Node 20 it loads undici and compiles its WASM HTTP
 * parser on first use, about 190 ms on our 2-core machine, which every CLI command would pay
 * (bench/README.md). node:http is part of Node's startup snapshot. The CA bundle becomes an
 * https Agent option, added to the system roots, with no extra dependency.
 */
import http from 'node:http';
import type https from 'node:https';

export interface RawResponse {
  status: number;
  statusText: string;
  /** Lower-case names; repeated headers joined with ", " as fetch's Headers does. */
  headers: Record<string, string>;
  body: Buffer | null;
}

export type RedirectMode = 'follow' | 'manual' | 'error';

export interface RawRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: Buffer | undefined;
  signal?: AbortSignal | undefined;
  redirect?: RedirectMode;
}

/**
 * Keep-alive agents; free sockets are unref'd by the Agent, so a finished CLI exits at once.
 * node:https and node:tls load on the first https URL (5-15 ms of a CLI start otherwise).
 */
export class Agents {
  readonly http = new http.Agent({ keepAlive: true });
  #https: Promise<{ module: typeof https; agent: https.Agent }> | undefined;

  constructor(private readonly ca?: string | Buffer) {}

  https(): Promise<{ module: typeof https; agent: https.Agent }> {
    this.#https ??= (async () => {
      const module = (await import('node:https')).default;
      const ca = this.ca === undefined ? undefined : [...(await import('node:tls')).rootCertificates, String(this.ca)];
      return { module, agent: new module.Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) }) };
    })();
    return this.#https;
  }
}

export function createAgents(options: { ca?: string | Buffer } = {}): Agents {
  return new Agents(options.ca);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

/** Sends the request and follows redirects as fetch does (GitLab answers a moved project's old path with 301). */
export async function exchange(agents: Agents, request: RawRequest): Promise<RawResponse> {
  let url = request.url;
  let method = request.method;
  let body = request.body;
  const headers = { ...request.headers };
  for (let hop = 0; ; hop += 1) {
    const response = await sendOnce(agents, url, method, headers, body, request.signal);
    const location = response.headers['location'];
    if (request.redirect === 'manual' || !REDIRECTS.has(response.status) || location === undefined) return response;
    if (request.redirect === 'error' || hop >= MAX_REDIRECTS)
      throw new TypeError(`redirect not followed (${response.status} to ${location})`);
    const next = new URL(location, url);
    // As fetch does: 303, and 301/302 after a POST, continue as a GET without a body.
    if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      delete headers['content-type'];
    }
    // Credentials never follow a redirect to another origin.
    if (next.origin !== url.origin) {
      delete headers['private-token'];
      delete headers['authorization'];
    }
    url = next;
  }
}

async function sendOnce(
  agents: Agents,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<RawResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
  signal?.throwIfAborted();
  const sent = { ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };
  const { module, agent } = url.protocol === 'https:' ? await agents.https() : { module: http, agent: agents.http };
  signal?.throwIfAborted();
  return new Promise<RawResponse>((resolve, reject) => {
    const outgoing = module.request(url, { method, headers: sent, agent }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0;
        const nullBody = status === 204 || status === 304 || method === 'HEAD';
        resolve({
          status,
          statusText: incoming.statusMessage ?? '',
          headers: joinHeaders(incoming.headers),
          body: nullBody ? null : Buffer.concat(chunks),
        });
      });
    });
    const abort = () => outgoing.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    outgoing.on('close', () => signal?.removeEventListener('abort', abort));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function joinHeaders(raw: http.IncomingHttpHeaders): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}
