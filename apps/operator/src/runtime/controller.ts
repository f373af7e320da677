// The controller loop: workers take keys from the work queue and call the reconciler, and the
// result decides what happens to the key next (controller-runtime's reconcileHandler):
//   success                  -> forget (reset backoff)                     result=success
//   { requeueAfterMs }       -> forget, addAfter(ms)                       result=requeue_after
//   { requeue: true }        -> addRateLimited                             result=requeue
//   thrown, terminal         -> forget, no retry, counted and logged       result=error
//   thrown, otherwise        -> addRateLimited, not sooner than the
//                               server's retry-after                       result=error
// A bug (a non-Error throw, a TypeError or ReferenceError) also counts as a panic and is retried
// with backoff: it may be a transient state the code did not expect, and the backoff bounds it.
// The reconciler sees only the key, a signal and a logger: it knows nothing of informers or queues.
import { randomUUID } from 'node:crypto';
import { isTerminal as coreIsTerminal, retryAfterMs as coreRetryAfterMs } from '@glkeys/core';
import type { Clock } from './clock.js';
import { discardLogger, type Logger } from './log.js';
import { Metrics, type ReconcileResultLabel } from './metrics.js';
import type { RateLimiter } from './ratelimiter.js';
import { WorkQueue } from './workqueue.js';

export interface ReconcileContext {
  /** Aborted when the controller stops and the grace period is over: stop network calls then. */
  signal: AbortSignal;
  /** Carries controller, key, namespace, name and reconcileID. */
  log: Logger;
}

export type ReconcileResult = { requeueAfterMs?: number; requeue?: boolean } | void;

export type Reconciler = (key: string, ctx: ReconcileContext) => Promise<ReconcileResult>;

export interface ControllerOptions {
  name: string;
  reconcile: Reconciler;
  /** Workers; controller-runtime's MaxConcurrentReconciles (default 1). */
  concurrency?: number;
  /** Errors that no retry can fix (default: core's isTerminal). */
  isTerminal?: (error: unknown) => boolean;
  /** The wait a server asked for (default: core's retryAfterMs). */
  retryAfterMs?: (error: unknown) => number | undefined;
  queue?: { clock?: Clock; rateLimiter?: RateLimiter };
  metrics?: Metrics;
  logger?: Logger;
}

export interface StopOptions {
  /** How long in-flight reconciles may run before their signals abort (default 30 s). */
  graceMs?: number;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly concurrency: number;
  readonly metrics: Metrics;

  readonly #reconcile: Reconciler;
  readonly #isTerminal: (error: unknown) => boolean;
  readonly #retryAfterMs: (error: unknown) => number | undefined;
  readonly #log: Logger;
  readonly #abort = new AbortController();
  #workers: Promise<void>[] | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new RangeError(`controller ${options.name}: concurrency must be a positive integer, got ${this.concurrency}`);
    }
    this.#reconcile = options.reconcile;
    this.#isTerminal = options.isTerminal ?? coreIsTerminal;
    this.#retryAfterMs = options.retryAfterMs ?? coreRetryAfterMs;
    this.metrics = options.metrics ?? new Metrics({ defaultMetrics: false });
    this.#log = (options.logger ?? discardLogger).child({ controller: options.name });
    this.queue = new WorkQueue({
      name: options.name,
      clock: options.queue?.clock,
      rateLimiter: options.queue?.rateLimiter,
      metrics: this.metrics.workqueue(options.name),
    });
    this.metrics.initController(this.name, this.concurrency);
  }

  /** Asks for `key` (namespace/name) to be reconciled; called by event handlers, any number of times. */
  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Starts the workers; keys enqueued before are processed now. */
  start(): void {
    if (this.#workers) throw new Error(`controller ${this.name} already started`);
    if (this.#stopping) throw new Error(`controller ${this.name} was stopped`);
    this.#log.info('Starting workers', { workerCount: this.concurrency });
    this.#workers = Array.from({ length: this.concurrency }, () => this.#worker());
  }

  /**
   * Takes no new work; in-flight reconciles get `graceMs`, then their signals abort. Resolves when
   * every worker has returned (a reconciler that ignores its signal holds this up).
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.graceMs ?? 30_000);
    return this.#stopping;
  }

  async #stop(graceMs: number): Promise<void> {
    this.#log.info('Shutdown signal received, waiting for all workers to finish');
    const drained = this.queue.shutDownWithDrain();
    const workers = Promise.all(this.#workers ?? []);
    let timer: { cancel(): void } | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = this.queue.clock.setTimer(() => resolve('grace-over'), graceMs);
    });
    const outcome = await Promise.race([drained.then(() => 'drained' as const), graceOver]);
    timer?.cancel();
    if (outcome === 'grace-over') {
      this.#log.info('Grace period over, aborting in-flight reconciles', { graceMs });
      this.#abort.abort(new Error(`controller ${this.name} stopped`));
    }
    await workers;
    this.#log.info('All workers finished');
  }

  async #worker(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        await this.#handle(key);
      } catch (error) {
        // Only our own bookkeeping can land here (e.g. an isTerminal that throws): keep the worker alive.
        this.#log.error('Controller failed to handle a reconcile result', error, { key });
        this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }

  async #handle(key: string): Promise<void> {
    const clock = this.queue.clock;
    const [namespace, name] = key.includes('/') ? key.split('/', 2) : ['', key];
    const log = this.#log.child({ key, namespace, name, reconcileID: randomUUID() });
    const labels = { controller: this.name };
    this.metrics.activeWorkers.inc(labels);
    const started = clock.now();
    let result: ReconcileResultLabel;
    try {
      const outcome = await this.#reconcile(key, { signal: this.#abort.signal, log });
      result = this.#onSuccess(key, outcome ?? undefined);
    } catch (error) {
      result = 'error';
      this.#onError(key, error, log);
    } finally {
      this.metrics.reconcileTime.observe(labels, (clock.now() - started) / 1000);
      this.metrics.activeWorkers.dec(labels);
    }
    this.metrics.reconcileTotal.inc({ ...labels, result });
  }

  #onSuccess(key: string, outcome: { requeueAfterMs?: number; requeue?: boolean } | undefined): ReconcileResultLabel {
    const after = outcome?.requeueAfterMs;
    if (typeof after === 'number' && after > 0) {
      this.queue.forget(key);
      this.queue.addAfter(key, after);
      return 'requeue_after';
    }
    if (outcome?.requeue) {
      this.queue.addRateLimited(key);
      return 'requeue';
    }
    this.queue.forget(key);
    return 'success';
  }

  #onError(key: string, error: unknown, log: Logger): void {
    const labels = { controller: this.name };
    this.metrics.reconcileErrors.inc(labels);
    if (isPanic(error)) {
      this.metrics.reconcilePanics.inc(labels);
      log.error('Observed a panic in reconciler', error);
      this.queue.addRateLimited(key);
      return;
    }
    if (this.#isTerminal(error)) {
      this.metrics.terminalReconcileErrors.inc(labels);
      log.error('Reconciler error (terminal, not retried)', error);
      this.queue.forget(key);
      return;
    }
    log.error('Reconciler error', error);
    this.queue.addRateLimited(key, this.#retryAfterMs(error) ?? 0);
  }
}

/**
 * Whether a thrown value is a bug rather than a failure: not an Error at all, or a TypeError or
 * ReferenceError. Node's fetch reports network failures as TypeError('fetch failed'); those are
 * failures, not bugs.
 */
export function isPanic(error: unknown): boolean {
  if (!(error instanceof Error)) return true;
  if (error instanceof ReferenceError) return true;
  return error instanceof TypeError && error.message !== 'fetch failed';
}
