/**
 * GitLab's rate limit is per user. When one reconcile gets a 429 with Retry-After, every
 * reconcile that would call the same host as the same user (the same token) waits, not one object
 * at a time, and other users' reconciles go on. The key is a hash of host and token: the token
 * itself is never kept as a key, logged or exported.
 */
import { createHash } from 'node:crypto';

export function userKeyOf(host: string, token: string): string {
  return createHash('sha256').update(`${host}\u0000${token}`, 'utf8').digest('hex').slice(0, 16);
}

export class RateLimitGate {
  private readonly pausedUntil = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Milliseconds this user must still wait; 0 when calls may go. */
  remainingMs(userKey: string): number {
    const until = this.pausedUntil.get(userKey);
    if (until === undefined) return 0;
    const left = until - this.now();
    if (left <= 0) {
      this.pausedUntil.delete(userKey);
      return 0;
    }
    return left;
  }

  /** GitLab asked this user to wait `ms`; a longer pause already set is kept. */
  pause(userKey: string, ms: number): void {
    const until = this.now() + Math.max(0, ms);
    if ((this.pausedUntil.get(userKey) ?? 0) < until) this.pausedUntil.set(userKey, until);
  }

  /** Users paused right now (for a gauge). */
  pausedUsers(): number {
    let n = 0;
    for (const key of [...this.pausedUntil.keys()]) if (this.remainingMs(key) > 0) n += 1;
    return n;
  }
}
