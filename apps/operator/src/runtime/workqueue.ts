// client-go's rate-limited work queue, for string keys (namespace/name):
// - a key waiting is queued once, however often it is added (dedupe);
// - a key is never handed to two workers at once: added while processing, it is marked dirty and
//   queued again by `done` (so the change that arrived meanwhile is seen by one more reconcile);
// - `addAfter` holds a key until its time; a sooner `addAfter` for a waiting key wins;
// - `addRateLimited` waits as long as the rate limiter says (failures per key, global bucket).
// One difference: after `shutDown`, `get` returns undefined even if keys are still queued (client-go
// hands them out); a stopping controller takes no new work.
import { systemClock, type Clock, type Timer } from './clock.js';
import { defaultControllerRateLimiter, type RateLimiter } from './ratelimiter.js';

/** Where the queue reports its workqueue_* metrics; `metrics.ts` provides one per queue name. */
export interface WorkQueueMetricsHooks {
  /** workqueue_adds_total. */
  added(): void;
  /** workqueue_queue_duration_seconds: from add to get. */
  waited(seconds: number): void;
  /** workqueue_work_duration_seconds: from get to done. */
  worked(seconds: number): void;
  /** workqueue_retries_total: every `addAfter`/`addRateLimited`, as client-go counts them. */
  retried(): void;
  /** Gauges read at scrape time (depth, unfinished work, longest running processor). */
  observe(source: WorkQueueGauges): void;
}

export interface WorkQueueGauges {
  depth(): number;
  unfinishedWorkSeconds(): number;
  longestRunningProcessorSeconds(): number;
}

export interface WorkQueueOptions {
  name: string;
  clock?: Clock;
  rateLimiter?: RateLimiter;
  metrics?: WorkQueueMetricsHooks;
}

interface Waiting {
  key: string;
  readyAt: number;
  seq: number;
}

export class WorkQueue implements WorkQueueGauges {
  readonly name: string;
  readonly clock: Clock;
  readonly #limiter: RateLimiter;
  readonly #metrics: WorkQueueMetricsHooks | undefined;

  readonly #queue: string[] = [];
  /** Keys that need processing: queued, or re-added while processing. */
  readonly #dirty = new Set<string>();
  /** Keys handed out by `get` and not yet `done`, with the time they were handed out. */
  readonly #processing = new Map<string, number>();
  /** When each dirty key was added (for the queue duration). */
  readonly #addedAt = new Map<string, number>();
  readonly #getters: ((key: string | undefined) => void)[] = [];

  /** Delayed keys: sorted by readyAt; `#readyAt` holds the live time per key, older entries are stale. */
  #waiting: Waiting[] = [];
  readonly #readyAt = new Map<string, number>();
  #seq = 0;
  #timer: { at: number; timer: Timer } | undefined;

  #shuttingDown = false;
  #drained: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.#limiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.#metrics = options.metrics;
    this.#metrics?.observe(this);
  }

  /** Queues `key` unless it is already waiting; a key being processed is queued again after `done`. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#metrics?.added();
    this.#dirty.add(key);
    this.#addedAt.set(key, this.clock.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Queues `key` after `ms`; if it is already waiting for later, the sooner time wins. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    this.#metrics?.retried();
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const current = this.#readyAt.get(key);
    if (current !== undefined && current <= readyAt) return;
    this.#readyAt.set(key, readyAt);
    const entry = { key, readyAt, seq: ++this.#seq };
    // Binary insertion keeps the list sorted by (readyAt, seq): equal times fire in add order.
    let lo = 0;
    let hi = this.#waiting.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#waiting[mid]!.readyAt <= readyAt) lo = mid + 1;
      else hi = mid;
    }
    this.#waiting.splice(lo, 0, entry);
    this.#arm();
  }

  /** Queues `key` after the rate limiter's delay (a failure counted), and not sooner than `atLeastMs`. */
  addRateLimited(key: string, atLeastMs = 0): void {
    if (this.#shuttingDown) return;
    this.addAfter(key, Math.max(this.#limiter.when(key), atLeastMs));
  }

  /** Resets `key`'s failures: its next failure starts the backoff over. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiter.numRequeues(key);
  }

  /** The next key to process, marked as processing until `done`; undefined once shut down. */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) return Promise.resolve(this.#take(key));
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Marks `key` processed; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#metrics?.worked((this.clock.now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) for (const resolve of this.#drained.splice(0)) resolve();
  }

  /** Stops accepting keys and wakes every waiting `get` with undefined. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    this.#timer?.timer.cancel();
    this.#timer = undefined;
    this.#waiting = [];
    this.#readyAt.clear();
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
  }

  /** `shutDown`, then resolves once every key handed out has been marked `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.push(resolve));
  }

  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys queued and ready to be handed out. */
  len(): number {
    return this.#queue.length;
  }

  /** Keys that need processing (client-go's depth: queued, plus re-added while processing). */
  depth(): number {
    return this.#dirty.size;
  }

  /** Keys waiting for an `addAfter` time. */
  waitingLen(): number {
    return this.#readyAt.size;
  }

  unfinishedWorkSeconds(): number {
    const now = this.clock.now();
    let total = 0;
    for (const started of this.#processing.values()) total += now - started;
    return total / 1000;
  }

  longestRunningProcessorSeconds(): number {
    const now = this.clock.now();
    let longest = 0;
    for (const started of this.#processing.values()) longest = Math.max(longest, now - started);
    return longest / 1000;
  }

  #push(key: string): void {
    const getter = this.#getters.shift();
    // Hand the key to a waiting worker at once, so no other `get` can take it in between.
    if (getter) getter(this.#take(key));
    else this.#queue.push(key);
  }

  #take(key: string): string {
    const now = this.clock.now();
    this.#dirty.delete(key);
    this.#processing.set(key, now);
    const addedAt = this.#addedAt.get(key);
    this.#addedAt.delete(key);
    if (addedAt !== undefined) this.#metrics?.waited((now - addedAt) / 1000);
    return key;
  }

  /** Keeps one timer, set for the earliest delayed key. */
  #arm(): void {
    const first = this.#waiting[0];
    if (!first) return;
    if (this.#timer && this.#timer.at <= first.readyAt) return;
    this.#timer?.timer.cancel();
    const at = first.readyAt;
    this.#timer = { at, timer: this.clock.setTimer(() => this.#fire(), at - this.clock.now()) };
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.clock.now();
    while (this.#waiting.length > 0 && this.#waiting[0]!.readyAt <= now) {
      const entry = this.#waiting.shift()!;
      // A stale entry: the key was rescheduled sooner and has already fired or will fire by its own entry.
      if (this.#readyAt.get(entry.key) !== entry.readyAt) continue;
      this.#readyAt.delete(entry.key);
      this.add(entry.key);
    }
    this.#arm();
  }
}
