// client-go's default controller rate limiter, as controller-runtime uses it: the max of a
// per-item exponential backoff and a global token bucket. Delays are in milliseconds.
import type { Clock } from './clock.js';

export interface RateLimiter {
  /** How long `key` should wait before its next try; counts a failure. */
  when(key: string): number;
  /** Forgets `key`'s failures (after a success). */
  forget(key: string): void;
  /** Failures counted for `key` since it was last forgotten. */
  numRequeues(key: string): number;
}

/** base * 2^failures, capped: 5 ms, 10 ms, 20 ms, ... up to 1000 s by default. */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  readonly #failures = new Map<string, number>();

  constructor(
    readonly baseMs = 5,
    readonly maxMs = 1_000_000,
  ) {}

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return Math.min(this.baseMs * 2 ** failures, this.maxMs);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}

/**
 * A token bucket shared by all keys (Go's rate.Limiter.Reserve): a burst of `burst` passes at once,
 * then one key per 1/qps seconds. Tokens may go negative; the debt is the wait. It stops a mass
 * failure (GitLab down, every key failing) from becoming a hot loop of thousands of retries.
 */
export class BucketRateLimiter implements RateLimiter {
  #tokens: number;
  #last: number;

  constructor(
    readonly clock: Clock,
    readonly qps = 10,
    readonly burst = 100,
  ) {
    this.#tokens = burst;
    this.#last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
    this.#tokens -= 1;
    return this.#tokens < 0 ? (-this.#tokens / this.qps) * 1000 : 0;
  }

  forget(): void {}

  numRequeues(): number {
    return 0;
  }
}

/** The longest wait any of the limiters asks for; requeues are counted by the first one that counts. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    return Math.max(0, ...this.#limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(0, ...this.#limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

/** controller-runtime's default: max(5 ms * 2^failures capped at 1000 s, bucket of 10 qps burst 100). */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(new ItemExponentialFailureRateLimiter(5, 1_000_000), new BucketRateLimiter(clock, 10, 100));
}
