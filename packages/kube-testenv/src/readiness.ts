import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface TlsClient {
  ca: string;
  cert: string;
  key: string;
}

/** One GET with its own timeout; resolves with the status code, or 0 when the server did not answer. */
export function getStatus(url: string, tls: TlsClient | undefined, timeoutMs = 2_000): Promise<number> {
  return new Promise((resolve) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', ...tls, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
    req.end();
  });
}

/**
 * Polls `url` until it answers 200, rejecting with `describe()` when `deadline` passes or
 * when `failed` settles first (the server process exited).
 */
export async function waitFor200(opts: {
  url: string;
  tls?: TlsClient;
  deadline: number;
  failed: Promise<string>;
  what: string;
}): Promise<void> {
  let failure: string | undefined;
  void opts.failed.then((why) => (failure = why));
  for (;;) {
    if (failure !== undefined) throw new ServerExitedError(`${opts.what}: the process ended (${failure})`);
    if ((await getStatus(opts.url, opts.tls)) === 200) return;
    if (Date.now() > opts.deadline) throw new Error(`${opts.what}: ${opts.url} did not answer 200 before the start timeout`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export class ServerExitedError extends Error {
  override readonly name = 'ServerExitedError';
}
