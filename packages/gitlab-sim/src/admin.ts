// The simulator's own admin API, for tests written in any language: change faults, limits and
// latency, read or clear the request log, revoke a token as a person would in the UI, reset
// the world. It lives under /-/glkeys-sim/, a path GitLab never serves (its /-/ scope names a
// fixed set of routes), is never rate limited, slowed, faulted or logged, and answers only the
// admin token: the one given to start(), else a valid PAT of a seeded instance administrator.
import type { IncomingHttpHeaders } from 'node:http';
import { HttpError, json, noContent, type SimResponse } from './http/response.js';
import { parseFaultRules, type FaultRule } from './faults.js';
import { parseRateLimit, type RateLimitOptions } from './rate-limit.js';
import type { RequestLog, RequestLogFilter } from './request-log.js';
import type { SimState } from './state/store.js';

export const ADMIN_PREFIX = '/-/glkeys-sim';

export interface SimControl {
  state: SimState;
  log: RequestLog;
  adminToken: string | undefined;
  config(): { latencyMs: number; rateLimit: RateLimitOptions | false; faults: FaultRule[] };
  setFaults(rules: FaultRule[]): void;
  setRateLimit(rl: RateLimitOptions | false): void;
  setLatency(ms: number): void;
  /** Seeded world, empty log, and the faults, limit and latency given to start(). */
  reset(): void;
}

const bad = (message: string) => new HttpError(json(400, { message }));

function token(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['private-token'];
  if (typeof header === 'string' && header !== '') return header;
  const m = /^Bearer\s+(.+)$/i.exec(headers['authorization'] ?? '');
  return m?.[1]?.trim();
}

function authorized(control: SimControl, given: string | undefined): boolean {
  if (given === undefined) return false;
  if (control.adminToken !== undefined) return given === control.adminToken;
  const pat = control.state.patByValue(given);
  const user = pat ? control.state.users.get(pat.userId) : undefined;
  const expired = pat?.expiresAt != null && Date.parse(`${pat.expiresAt}T00:00:00Z`) <= Date.now();
  return pat !== undefined && !pat.revoked && !expired && user?.admin === true && user.state === 'active';
}

function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw bad('the body is not JSON');
  }
}

function readRateLimit(value: unknown): RateLimitOptions | false {
  if (value === null || value === false || value === 'off') return false;
  if (typeof value === 'string') {
    const parsed = parseRateLimit(value);
    if (parsed === null) throw bad('rateLimit: "N/PERIOD" such as "2000/60s", or "off"');
    return parsed;
  }
  const v = (value ?? {}) as { limit?: unknown; windowMs?: unknown };
  const { limit, windowMs } = v;
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1 || typeof windowMs !== 'number' || !(windowMs >= 1)) {
    throw bad('rateLimit: {"limit": N >= 1, "windowMs": MS >= 1}, "N/PERIOD", or null to turn it off');
  }
  return { limit, windowMs };
}

export function handleAdmin(
  control: SimControl,
  method: string,
  path: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  body: Buffer,
): SimResponse {
  try {
    if (!authorized(control, token(headers))) return json(401, { message: '401 Unauthorized' });
    const route = `${method} ${path.slice(ADMIN_PREFIX.length) || '/'}`;
    switch (route) {
      case 'GET /config':
        return json(200, control.config());
      case 'PUT /faults': {
        let rules: FaultRule[];
        try {
          rules = parseFaultRules(jsonBody(body) ?? []);
        } catch (e) {
          throw bad((e as Error).message);
        }
        control.setFaults(rules);
        return json(200, { faults: control.config().faults });
      }
      case 'PUT /rate-limit': {
        const value = jsonBody(body) as { rateLimit?: unknown } | null | undefined;
        control.setRateLimit(readRateLimit(value !== null && typeof value === 'object' && 'rateLimit' in value ? value.rateLimit : value));
        return json(200, { rateLimit: control.config().rateLimit });
      }
      case 'PUT /latency': {
        const ms = (jsonBody(body) as { latencyMs?: unknown } | undefined)?.latencyMs;
        if (typeof ms !== 'number' || !(ms >= 0)) throw bad('latencyMs: a number >= 0');
        control.setLatency(ms);
        return json(200, { latencyMs: ms });
      }
      case 'GET /requests': {
        const filter: RequestLogFilter = {};
        const m = query.get('method');
        const r = query.get('route');
        const w = query.get('write');
        if (m !== null) filter.method = m;
        if (r !== null) filter.route = r;
        if (w !== null) {
          if (w !== 'true' && w !== 'false') throw bad('write: true or false');
          filter.write = w === 'true';
        }
        const entries = control.log.entries().filter((e) => control.log.matches(e, filter));
        return json(200, { count: entries.length, entries });
      }
      case 'DELETE /requests':
        control.log.clear();
        return noContent();
      case 'POST /reset':
        control.reset();
        return noContent();
      default: {
        const revoke = /^POST \/deploy-tokens\/(\d+)\/revoke$/.exec(route);
        if (revoke)
          return control.state.revokeDeployToken(Number(revoke[1])) ? noContent() : json(404, { message: '404 Deploy token Not Found' });
        return json(404, { message: `404 Not Found: ${route} is no admin route of the simulator` });
      }
    }
  } catch (e) {
    if (e instanceof HttpError) return e.response;
    throw e;
  }
}
