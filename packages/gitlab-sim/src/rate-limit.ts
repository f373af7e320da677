// A fixed-window limiter with GitLab's (Rack::Attack) response headers.

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private windowStart = 0;
  private observed = 0;

  constructor(private readonly opts: RateLimitOptions) {}

  take(now = Date.now()): RateLimitDecision {
    if (now - this.windowStart >= this.opts.windowMs) {
      this.windowStart = now;
      this.observed = 0;
    }
    this.observed += 1;
    const resetMs = this.windowStart + this.opts.windowMs;
    const allowed = this.observed <= this.opts.limit;
    const headers: Record<string, string> = {
      'RateLimit-Name': 'throttle_authenticated_api',
      'RateLimit-Limit': String(this.opts.limit),
      'RateLimit-Observed': String(this.observed),
      'RateLimit-Remaining': String(Math.max(0, this.opts.limit - this.observed)),
      'RateLimit-Reset': String(Math.ceil(resetMs / 1000)),
      'RateLimit-ResetTime': new Date(resetMs).toUTCString(),
    };
    if (!allowed) headers['Retry-After'] = String(Math.max(1, Math.ceil((resetMs - now) / 1000)));
    return { allowed, headers };
  }
}
