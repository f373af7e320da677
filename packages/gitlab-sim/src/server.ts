// The HTTP server and its middleware chain, in order: latency, routing, rate
// limit, fault (before), authentication + scopes, handler, fault (after), log.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Seed } from './seed.js';
import { defaultSeed } from './seed.js';
import { SimState } from './state/store.js';
import { buildRouter } from './routes/index.js';
import type { RouteContext } from './router.js';
import { authenticate } from './auth.js';
import { parseParams, readBody } from './http/params.js';
import { HttpError, json, text, type SimResponse } from './http/response.js';
import { RequestLog, redactQuery, type FaultApplied } from './request-log.js';
import { FaultInjector, RETRY_LATER, faultResponse, seededRandom, type FaultRule } from './faults.js';
import { GITLAB_COM_API_RATE_LIMIT, RateLimiter, type RateLimitOptions } from './rate-limit.js';
import { ADMIN_PREFIX, handleAdmin, type SimControl } from './admin.js';

export interface StartOptions {
  seed?: Seed;
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Added to every request before it is handled. */
  latencyMs?: number;
  /** Default GitLab.com's authenticated API limit, 2,000 requests a minute; `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  faults?: FaultRule[];
  /** Seed of the PRNG behind FaultRule.probability (default 1). */
  faultSeed?: number;
  /** Serve HTTPS with this PEM key and certificate, like a self-managed GitLab with a private CA. */
  tls?: { key: string; cert: string };
  /**
   * Token of the admin API under /-/glkeys-sim/. Without it, a valid PAT of a seeded instance
   * administrator opens the admin API.
   */
  adminToken?: string;
}

export interface GitlabSim {
  /** e.g. http://127.0.0.1:43123 */
  url: string;
  /** url + '/api/v4' */
  apiUrl: string;
  close(): Promise<void>;
  log: RequestLog;
  state: SimState;
  setFaults(rules: FaultRule[]): void;
  /** `undefined` or `false` turns rate limiting off. */
  setRateLimit(rl?: RateLimitOptions | false): void;
  setLatency(ms: number): void;
  /** Back to the seeded world with an empty log and the faults, limit and latency given to start(). */
  reset(): void;
}

const API_PREFIX = '/api/v4';

export async function start(opts: StartOptions = {}): Promise<GitlabSim> {
  const state = new SimState(opts.seed ?? defaultSeed());
  const router = buildRouter();
  const log = new RequestLog();
  const faults = new FaultInjector(seededRandom(opts.faultSeed ?? 1));
  faults.set(opts.faults ?? []);
  const initialRateLimit = opts.rateLimit === undefined ? { ...GITLAB_COM_API_RATE_LIMIT } : opts.rateLimit;
  let limiter = initialRateLimit ? new RateLimiter(initialRateLimit) : undefined;
  let latencyMs = opts.latencyMs ?? 0;
  const hung = new Set<ServerResponse>();
  let baseUrl = '';
  const control: SimControl = {
    state,
    log,
    adminToken: opts.adminToken,
    config: () => ({ latencyMs, rateLimit: limiter ? { ...limiter.opts } : false, faults: faults.current() }),
    setFaults: (rules) => faults.set(rules),
    setRateLimit: (rl) => {
      limiter = rl ? new RateLimiter(rl) : undefined;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    reset: () => {
      state.reset();
      log.clear();
      faults.set(opts.faults ?? []);
      limiter = initialRateLimit ? new RateLimiter(initialRateLimit) : undefined;
      latencyMs = opts.latencyMs ?? 0;
    },
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const startedAt = Date.now();
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sim.invalid');
    // req.url keeps percent-encoding, so `%2F` stays inside one segment.
    const rawPathname = (req.url ?? '/').split('?')[0] ?? '/';
    let routeName: string | null = null;
    let applied: FaultApplied | undefined;

    const finish = (status: number) =>
      log.add({
        method,
        path: rawPathname,
        query: redactQuery(url.searchParams),
        status,
        route: routeName,
        startedAt,
        durationMs: Date.now() - startedAt,
        ...(applied ? { fault: applied } : {}),
      });

    const body = await readBody(req);
    if (rawPathname === ADMIN_PREFIX || rawPathname.startsWith(`${ADMIN_PREFIX}/`)) {
      return send(res, method, handleAdmin(control, method, rawPathname, url.searchParams, req.headers, body), {});
    }
    if (latencyMs > 0) await sleep(latencyMs);

    let response: SimResponse;
    let extraHeaders: Record<string, string> = {};
    try {
      if (!rawPathname.startsWith(`${API_PREFIX}/`)) {
        response = text(404, 'Not Found');
      } else {
        const rawPath = rawPathname.slice(API_PREFIX.length);
        const match = router.match(method, rawPath);
        if (match && match !== 'method') routeName = `${match.route.method} ${match.route.template}`;
        if (limiter) {
          const decision = limiter.take();
          extraHeaders = decision.headers;
          if (!decision.allowed) throw new HttpError(text(429, RETRY_LATER));
        }
        const rule = faults.pick(method, match && match !== 'method' ? match.route.template : null);
        if (rule && (rule.when ?? 'before') === 'before') {
          applied = { kind: rule.kind, when: 'before', ...(rule.kind === 'status' ? { status: rule.status ?? 500 } : {}) };
          if (rule.kind !== 'status') return drop(rule, req, res, finish);
          throw new HttpError(faultResponse(rule));
        }
        if (match === undefined) throw new HttpError(json(404, { error: '404 Not Found' }));
        if (match === 'method') throw new HttpError(json(405, { error: '405 Not Allowed' }));
        const caller = authenticate(state, match.route, method, req.headers, url.searchParams);
        const ctx: RouteContext = {
          state,
          params: match.params,
          input: parseParams(url.searchParams, body, req.headers['content-type']),
          query: url.searchParams,
          method,
          rawPath,
          user: caller.user,
          pat: caller.pat,
          baseUrl,
        };
        try {
          response = await match.route.handler(ctx);
        } catch (e) {
          if (!(e instanceof HttpError)) throw e;
          response = e.response;
        }
        if (rule) {
          // `after`: the side effect above already happened; the client never learns.
          applied = { kind: rule.kind, when: 'after', ...(rule.kind === 'status' ? { status: rule.status ?? 500 } : {}) };
          if (rule.kind !== 'status') return drop(rule, req, res, finish);
          response = faultResponse(rule);
        }
      }
    } catch (e) {
      if (e instanceof HttpError) response = e.response;
      else response = json(500, { message: '500 Internal Server Error' });
    }
    send(res, method, response, extraHeaders);
    finish(response.status);
  }

  function send(res: ServerResponse, method: string, response: SimResponse, extraHeaders: Record<string, string>): void {
    const headers: Record<string, string> = {
      'X-Request-Id': randomUUID(),
      'Cache-Control': 'no-cache',
      ...extraHeaders,
      ...response.headers,
    };
    const payload = typeof response.body === 'string' ? Buffer.from(response.body) : response.body;
    headers['Content-Length'] = String(payload.length);
    res.writeHead(response.status, headers);
    res.end(method === 'HEAD' ? undefined : payload);
  }

  function drop(rule: FaultRule, req: IncomingMessage, res: ServerResponse, finish: (status: number) => void): void {
    finish(0);
    if (rule.kind === 'reset') {
      const socket = req.socket as Socket & { resetAndDestroy?: () => void };
      // RST rather than FIN, so clients see ECONNRESET like a dying proxy causes.
      if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
      else socket.destroy();
    } else {
      hung.add(res); // answered never; destroyed by close()
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ message: '500 Internal Server Error' }));
    });
  };
  const server: Server = opts.tls ? createTlsServer(opts.tls, onRequest) : createServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('gitlab-sim: no TCP address');
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  baseUrl = `${opts.tls ? 'https' : 'http'}://${host}:${addr.port}`;

  return {
    url: baseUrl,
    apiUrl: `${baseUrl}${API_PREFIX}`,
    log,
    state,
    setFaults: (rules) => control.setFaults(rules),
    setRateLimit: (rl) => control.setRateLimit(rl ?? false),
    setLatency: (ms) => control.setLatency(ms),
    reset: () => control.reset(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const res of hung) res.socket?.destroy();
        hung.clear();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
