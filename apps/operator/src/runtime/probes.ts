// Health probes and the metrics endpoint, each on its own small node:http server with its own bind
// address (controller-runtime's --health-probe-bind-address and --metrics-bind-address; "0"
// disables one). /healthz says the process is alive; /readyz says it can do its work (caches
// synced, ...). A failing check is named in the body; its reason is withheld (logged instead),
// since probe bodies are readable by anyone who can reach the port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discardLogger, type Logger } from './log.js';
import type { Metrics } from './metrics.js';

/** A named check: passes unless it throws or returns false. */
export type Check = () => Promise<boolean | void> | boolean | void;

/** How long a check may take before it counts as failed: a probe must answer within the kubelet's timeout. */
const CHECK_TIMEOUT_MS = 5_000;

export class Checks {
  readonly #checks = new Map<string, Check>();

  constructor(
    readonly kind: 'healthz' | 'readyz',
    readonly log: Logger = discardLogger,
  ) {}

  add(name: string, check: Check): void {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name))
      throw new TypeError(`${this.kind} check name must be a lowercase word, got ${JSON.stringify(name)}`);
    if (this.#checks.has(name)) throw new Error(`${this.kind} check ${name} is already registered`);
    this.#checks.set(name, check);
  }

  /** Runs every check in parallel; `ok` only if all passed. */
  async run(): Promise<{ ok: boolean; results: { name: string; ok: boolean }[] }> {
    const results = await Promise.all([...this.#checks].map(async ([name, check]) => ({ name, ok: await this.#runOne(name, check) })));
    return { ok: results.every((result) => result.ok), results };
  }

  async #runOne(name: string, check: Check): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
      });
      return (await Promise.race([Promise.resolve().then(check), timeout])) !== false;
    } catch (error) {
      this.log.info(`${this.kind} check failed`, { check: name, error: error instanceof Error ? error.message : String(error) });
      return false;
    } finally {
      clearTimeout(timer);
    }
  }
}

export interface HttpEndpoint {
  /** The address actually bound (the port is known even when 0 was asked for). */
  address: AddressInfo;
  url: string;
  close(): Promise<void>;
}

/** Parses "host:port", ":port" or "[v6]:port"; "0" means disabled (undefined). */
export function parseBindAddress(bindAddress: string): { host: string | undefined; port: number } | undefined {
  if (bindAddress === '0' || bindAddress === '') return undefined;
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(bindAddress);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new TypeError(`bind address must be host:port, :port or 0, got ${JSON.stringify(bindAddress)}`);
  }
  const host = match[1] ?? match[2];
  return { host: host === '' ? undefined : host, port };
}

/** Serves /healthz and /readyz (each with `?verbose` listing every check); undefined when disabled. */
export function serveProbes(options: {
  bindAddress: string;
  healthz: Checks;
  readyz: Checks;
  logger?: Logger;
}): Promise<HttpEndpoint | undefined> {
  return serve(options.bindAddress, options.logger, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://probe');
    const checks = url.pathname === '/healthz' ? options.healthz : url.pathname === '/readyz' ? options.readyz : undefined;
    if (!checks) return reply(res, 404, 'not found\n');
    const { ok, results } = await checks.run();
    if (ok && !url.searchParams.has('verbose')) return reply(res, 200, 'ok');
    const lines = results.map((result) => (result.ok ? `[+]${result.name} ok` : `[-]${result.name} failed: reason withheld`));
    lines.push(ok ? `${checks.kind} check passed` : `${checks.kind} check failed`);
    return reply(res, ok ? 200 : 503, `${lines.join('\n')}\n`);
  });
}

/** Serves /metrics from `metrics`' registry; undefined when disabled. */
export function serveMetrics(options: { bindAddress: string; metrics: Metrics; logger?: Logger }): Promise<HttpEndpoint | undefined> {
  return serve(options.bindAddress, options.logger, async (req, res) => {
    if (new URL(req.url ?? '/', 'http://metrics').pathname !== '/metrics') return reply(res, 404, 'not found\n');
    const { contentType, body } = await options.metrics.expose();
    return reply(res, 200, body, contentType);
  });
}

function reply(res: ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType, 'x-content-type-options': 'nosniff' });
  res.end(body);
}

async function serve(
  bindAddress: string,
  logger: Logger = discardLogger,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<HttpEndpoint | undefined> {
  const bind = parseBindAddress(bindAddress);
  if (!bind) return undefined;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'method not allowed\n');
    handle(req, res).catch((error: unknown) => {
      logger.error('probe or metrics request failed', error, { path: req.url });
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  });
  // Bounded reads: a slow client cannot hold a socket open forever.
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(bind.port, bind.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    address,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Keep-alive connections (Prometheus, kubelet) would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
