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

  /** The rules in force; a `count` rule shows how many of its requests are left. */
  current(): FaultRule[] {
    return this.rules.map(({ remaining, ...rule }) => (rule.count === undefined ? rule : { ...rule, count: remaining }));
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

const KINDS = ['status', 'reset', 'hang'];
const RULE_KEYS = new Set(['route', 'method', 'kind', 'status', 'when', 'probability', 'count', 'retryAfterSeconds']);

/**
 * Fault rules from outside (a --faults file, the admin API): a list of rules, or `{ "faults": [...] }`.
 * Throws an Error naming the rule and the field that breaks a rule.
 */
export function parseFaultRules(value: unknown): FaultRule[] {
  const list = value !== null && typeof value === 'object' && !Array.isArray(value) && 'faults' in value ? value.faults : value;
  if (!Array.isArray(list)) throw new Error('faults: give a list of fault rules (or an object with a "faults" list)');
  return list.map((raw: unknown, i) => {
    const at = `faults[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`${at}: a rule is an object`);
    const r = raw as Record<string, unknown>;
    for (const key of Object.keys(r))
      if (!RULE_KEYS.has(key)) throw new Error(`${at}.${key}: unknown field; use ${[...RULE_KEYS].join(', ')}`);
    if (typeof r['kind'] !== 'string' || !KINDS.includes(r['kind'])) throw new Error(`${at}.kind: one of ${KINDS.join(', ')}`);
    for (const key of ['route', 'method']) {
      if (r[key] !== undefined && typeof r[key] !== 'string') throw new Error(`${at}.${key}: a string`);
    }
    if (r['when'] !== undefined && r['when'] !== 'before' && r['when'] !== 'after') throw new Error(`${at}.when: "before" or "after"`);
    if (r['status'] !== undefined && !(Number.isInteger(r['status']) && (r['status'] as number) >= 400 && (r['status'] as number) <= 599)) {
      throw new Error(`${at}.status: an integer 400..599`);
    }
    const p = r['probability'];
    if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) throw new Error(`${at}.probability: a number 0..1`);
    for (const key of ['count', 'retryAfterSeconds']) {
      const n = r[key];
      if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 0)) throw new Error(`${at}.${key}: an integer >= 0`);
    }
    return { ...r } as unknown as FaultRule;
  });
}
