// A fixed-window limiter with GitLab's (Rack::Attack) response headers.

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

/**
 * GitLab.com's limit on authenticated API traffic: 2,000 requests each minute for a given user
 * (GitLab docs, "GitLab.com rate limits", table "Current rate limits", row "Authenticated API
 * traffic (for a given user)"). The simulator's default, so clients meet GitLab.com's ceiling.
 */
export const GITLAB_COM_API_RATE_LIMIT: Readonly<RateLimitOptions> = Object.freeze({ limit: 2000, windowMs: 60_000 });

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private windowStart = 0;
  private observed = 0;

  constructor(readonly opts: RateLimitOptions) {}

  take(now = Date.now()): RateLimitDecision {
    if (now - this.windowStart >= this.opts.windowMs) {
      this.windowStart = now;
      this.observed = 0;
    }
    this.observed += 1;
    const resetMs = this.windowStart + this.opts.windowMs;
    const allowed = this.observed <= this.opts.limit;
    // Gitlab::RackAttack.throttled_response_headers: the limit is reported as a quota per
    // 60 seconds, rounded up, whatever the throttle's period; Remaining uses the real limit.
    const headers: Record<string, string> = {
      'RateLimit-Name': 'throttle_authenticated_api',
      'RateLimit-Limit': String(Math.ceil((this.opts.limit * 60_000) / this.opts.windowMs)),
      'RateLimit-Observed': String(this.observed),
      'RateLimit-Remaining': String(Math.max(0, this.opts.limit - this.observed)),
      'RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
    };
    // Answers that pass carry the five headers above only (GitLab's rate_limiting_headers_for_unthrottled_requests).
    if (!allowed) {
      headers['RateLimit-ResetTime'] = new Date(Math.ceil(resetMs / 1000) * 1000).toUTCString();
      headers['Retry-After'] = String(Math.max(1, Math.ceil((resetMs - now) / 1000)));
    }
    return { allowed, headers };
  }
}

/** `2000/60s`, `600/1m`, `10/500ms`, `5/1h` (a bare number of seconds works too), or `off`. */
export function parseRateLimit(text: string): RateLimitOptions | false | null {
  if (text.trim().toLowerCase() === 'off') return false;
  const m = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return null;
  const limit = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[3] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  const windowMs = Number(m[2]) * unit;
  if (!Number.isSafeInteger(limit) || limit < 1 || !(windowMs >= 1)) return null;
  return { limit, windowMs };
}
