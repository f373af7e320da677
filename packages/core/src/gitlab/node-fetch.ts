/**
 * A `fetch` for ky that sends over node:http/https instead of Node's built-in fetch (undici).
 * Why: on Node 20 the first built-in fetch in a process loads undici and compiles its WASM
 * HTTP parser, about 190 ms on our 2-core machine, which every CLI command would pay (see
 * bench/README.md). node:http is already loaded. It also takes the CA bundle as an https
 * Agent option, added to the system roots, with no extra dependency.
 *
 * Scope: what the GitLab API needs: buffered request and response bodies, abort signals
 * (ky's timeout), keep-alive, and fetch's redirect rules (GitLab answers a moved project's
 * old path with 301). Connection errors keep their `code` (ECONNREFUSED, ECONNRESET).
 */
import http from 'node:http';
import https from 'node:https';
import { rootCertificates } from 'node:tls';

export function createNodeFetch(options: { ca?: string | Buffer } = {}): typeof fetch {
  // Free keep-alive sockets are unref'd by the Agent, so a finished CLI exits at once.
  const agents = {
    'http:': new http.Agent({ keepAlive: true }),
    'https:': new https.Agent({ keepAlive: true, ...(options.ca === undefined ? {} : { ca: [...rootCertificates, String(options.ca)] }) }),
  };

  return async function nodeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const request = input instanceof Request ? input : new Request(input, init);
    const signal = init?.signal ?? request.signal;
    let url = new URL(request.url);
    let method = request.method;
    let body = request.body === null ? undefined : Buffer.from(await request.arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, key) => {
      headers[key] = value;
    });
    for (let hop = 0; ; hop += 1) {
      const response = await send(agents, url, method, headers, body, signal);
      const location = response.headers.get('location');
      if (request.redirect === 'manual' || !REDIRECTS.has(response.status) || location === null) return response;
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
  };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

function send(
  agents: Record<'http:' | 'https:', http.Agent>,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
): Promise<Response> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol ${url.protocol}`);
  signal?.throwIfAborted();
  const sent = { ...headers, ...(body === undefined ? {} : { 'content-length': String(body.length) }) };
  return new Promise<Response>((resolve, reject) => {
    const transport = url.protocol === 'https:' ? https : http;
    const outgoing = transport.request(url, { method, headers: sent, agent: agents[url.protocol as 'http:' | 'https:'] }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const status = incoming.statusCode ?? 0;
        const nullBody = status === 204 || status === 304 || method === 'HEAD';
        resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders(incoming.headers) }));
      });
    });
    const abort = () => outgoing.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    outgoing.on('close', () => signal?.removeEventListener('abort', abort));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function responseHeaders(raw: http.IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(key, item);
  }
  return headers;
}
