/**
 * The lean engine: the same retrying transport over node-http.ts directly, without ky and
 * without WHATWG Request/Response. Loading ky touches fetch's globals, which loads undici's
 * JavaScript (~20 ms); the CLI's read-only commands use this engine to start in a third of
 * python-gitlab's time (bench/README.md). Bodies are strings (JSON); FormData is ky's.
 */
import { createAgents, exchange } from './node-http.js';
import { createRetryingTransport, RecordHeaders, type Transport, type TransportOptions } from './transport.js';

export function createNodeTransport(options: TransportOptions = {}): Transport {
  const agents = createAgents(options.ca === undefined ? {} : { ca: options.ca });
  const userAgent = options.userAgent ?? 'glkeys';
  const transport = createRetryingTransport(options, async (request, signal) => {
    const raw = await exchange(agents, {
      url: new URL(request.url),
      method: request.method,
      headers: { 'user-agent': userAgent, ...request.headers },
      body: request.body === undefined ? undefined : Buffer.from(request.body as string),
      signal,
    });
    return {
      status: raw.status,
      headers: new RecordHeaders(raw.headers),
      text: async () => raw.body?.toString('utf8') ?? '',
      discard: async () => undefined,
    };
  });
  return async (request) => {
    // Checked before the retry loop: a wrong body type is a bug, not a network failure.
    if (request.body !== undefined && typeof request.body !== 'string') throw new TypeError('the node engine sends string bodies only');
    return transport(request);
  };
}
