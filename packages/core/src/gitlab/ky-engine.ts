/**
 * The SDK client's engine: ky over our node:http fetch (node-fetch.ts). ky's own retry and
 * timeout are off: the retrying transport owns both, because ky's policy cannot tell a
 * create from a read.
 */
import ky from 'ky';
import { createNodeFetch } from './node-fetch.js';
import { createRetryingTransport, type Transport, type TransportOptions } from './transport.js';

export function createTransport(options: TransportOptions = {}): Transport {
  const http = ky.create({
    fetch: createNodeFetch(options.ca === undefined ? {} : { ca: options.ca }),
    retry: 0,
    timeout: false,
    throwHttpErrors: false,
    headers: { 'user-agent': options.userAgent ?? 'glkeys' },
  });
  return createRetryingTransport(options, async (request, signal) => {
    const response = await http(request.url, { method: request.method, headers: request.headers, body: request.body ?? null, signal });
    return {
      status: response.status,
      headers: response.headers,
      text: () => response.text(),
      discard: async () => {
        await response.body?.cancel();
      },
    };
  });
}
