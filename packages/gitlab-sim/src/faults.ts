// Fault injection: rules decide per request whether to answer an error status,
// reset the connection or never answer, before or after the real operation.
import type { SimResponse } from './http/response.js';
import { json, text } from './http/response.js';

export interface FaultRule {
  /** `POST /projects/:id/deploy_tokens` or `/projects/:id/deploy_tokens`; omitted = any route. */
  route?: string;
  method?: string;
  kind: 'status' | 'reset' | 'hang';
  /** For kind `status`, e.g. 500, 502, 503, 504, 429. Default 500. */
  status?: number;
  /** `after` performs the operation, then fails the response (a create the client never learns about). */
  when?: 'before' | 'after';
  /** 0..1, drawn from a PRNG seeded with `faultSeed`, so runs are reproducible. */
  probability?: number;
  /** Apply to the next N matching requests only. */
  count?: number;
  /** Retry-After for status 429 (default 1). */
  retryAfterSeconds?: number;
}

/** mulberry32: tiny, fast and good enough to make fault sequences reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private rules: Array<FaultRule & { remaining: number }> = [];

  constructor(private readonly random: () => number) {}

  set(rules: FaultRule[]): void {
    this.rules = rules.map((r) => ({ ...r, remaining: r.count ?? Number.POSITIVE_INFINITY }));
  }

  /** The first rule that fires for this request, if any (consumes one of its `count`). */
  pick(method: string, template: string | null): FaultRule | undefined {
    for (const rule of this.rules) {
      if (rule.remaining <= 0) continue;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (rule.route !== undefined && !routeMatches(rule.route, method, template)) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.remaining -= 1;
      return rule;
    }
    return undefined;
  }
}

function routeMatches(ruleRoute: string, method: string, template: string | null): boolean {
  if (template === null) return false;
  const space = ruleRoute.indexOf(' ');
  if (space === -1) return ruleRoute === template;
  return ruleRoute.slice(0, space).toUpperCase() === method && ruleRoute.slice(space + 1) === template;
}

/** Gitlab::Throttle.rate_limiting_response_text: the default text and a newline. */
export const RETRY_LATER = 'Retry later\n';

/** Error bodies shaped like what GitLab (or the Workhorse/NGINX in front of it) sends. */
export function faultResponse(rule: FaultRule): SimResponse {
  const status = rule.status ?? 500;
  if (status === 429) {
    const res = text(429, RETRY_LATER);
    res.headers['Retry-After'] = String(rule.retryAfterSeconds ?? 1);
    return res;
  }
  // 502/504 come from Workhorse when Rails does not answer: plain text, not JSON.
  if (status === 502 || status === 504) return text(status, 'GitLab is not responding');
  const reasons: Record<number, string> = { 500: 'Internal Server Error', 503: 'Service Unavailable' };
  return json(status, { message: `${status} ${reasons[status] ?? 'Error'}` });
}
