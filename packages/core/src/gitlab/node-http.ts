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
import https from 'node:https';
import { rootCertificates } from 'node:tls';

export type Agents = Record<'http:' | 'https:', http.Agent>;

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

/** Keep-alive agents; free sockets are unref'd by the Agent, so a finished CLI exits at once. */
export function createAgents(options: { ca?: string | Buffer } = {}): Agents {
  // https is loaded lazily: a CLI talking to an http:// GitLab (the simulator) never needs TLS.
  let tls: https.Agent | undefined;
  const plain = new http.Agent({ keepAlive: true });
  return {
    'http:': plain,
    get 'https:'() {
      tls ??= new https.Agent({ keepAlive: true, ...(options.ca === undefined ? {} : { ca: [...rootCertificates, String(options.ca)] }) });
      return tls;
    },
  };
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
    if (request.redirect === 'error' || hop >= MAX_REDIRECTS) throw new TypeError(`redirect not followed (${response.status} to ${location})`);
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

function sendOnce(
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
  return new Promise<RawResponse>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(url, { method, headers: sent, agent: agents[url.protocol as 'http:' | 'https:'] }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0;
        const nullBody = status === 204 || status === 304 || method === 'HEAD';
        resolve({ status, statusText: incoming.statusMessage ?? '', headers: joinHeaders(incoming.headers), body: nullBody ? null : Buffer.concat(chunks) });
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
