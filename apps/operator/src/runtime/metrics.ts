// Prometheus metrics under controller-runtime's names, so existing dashboards and alerts work.
// One Registry per manager (never prom-client's global one): two managers in one process, or two
// tests, do not collide.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueGauges, WorkQueueMetricsHooks } from './workqueue.js';

export type ReconcileResultLabel = 'success' | 'error' | 'requeue' | 'requeue_after';
const RESULTS: ReconcileResultLabel[] = ['success', 'error', 'requeue', 'requeue_after'];

// controller-runtime's buckets for controller_runtime_reconcile_time_seconds.
const RECONCILE_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5,
  4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];
// client-go's workqueue buckets: ExponentialBuckets(10e-9, 10, 12), 10 ns to 1000 s.
const WORKQUEUE_BUCKETS = Array.from({ length: 12 }, (_, i) => Number((1e-8 * 10 ** i).toPrecision(1)));

export interface MetricsOptions {
  /** Node's process_* and nodejs_* metrics (default true). */
  defaultMetrics?: boolean;
}

export class Metrics {
  readonly registry = new Registry();

  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileErrors: Counter<'controller'>;
  readonly terminalReconcileErrors: Counter<'controller'>;
  readonly reconcilePanics: Counter<'controller'>;
  readonly reconcileTime: Histogram<'controller'>;
  readonly maxConcurrentReconciles: Gauge<'controller'>;
  readonly activeWorkers: Gauge<'controller'>;

  readonly #queueAdds: Counter<'name'>;
  readonly #queueDuration: Histogram<'name'>;
  readonly #workDuration: Histogram<'name'>;
  readonly #retries: Counter<'name'>;
  readonly #queues = new Map<string, WorkQueueGauges>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });

    this.reconcileTotal = new Counter({
      name: 'controller_runtime_reconcile_total',
      help: 'Total number of reconciliations per controller',
      labelNames: ['controller', 'result'],
      registers,
    });
    this.reconcileErrors = new Counter({
      name: 'controller_runtime_reconcile_errors_total',
      help: 'Total number of reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.terminalReconcileErrors = new Counter({
      name: 'controller_runtime_terminal_reconcile_errors_total',
      help: 'Total number of terminal reconciliation errors per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcilePanics = new Counter({
      name: 'controller_runtime_reconcile_panics_total',
      help: 'Total number of reconciliation panics per controller',
      labelNames: ['controller'],
      registers,
    });
    this.reconcileTime = new Histogram({
      name: 'controller_runtime_reconcile_time_seconds',
      help: 'Length of time per reconciliation per controller',
      labelNames: ['controller'],
      buckets: RECONCILE_BUCKETS,
      registers,
    });
    this.maxConcurrentReconciles = new Gauge({
      name: 'controller_runtime_max_concurrent_reconciles',
      help: 'Maximum number of concurrent reconciles per controller',
      labelNames: ['controller'],
      registers,
    });
    this.activeWorkers = new Gauge({
      name: 'controller_runtime_active_workers',
      help: 'Number of currently used workers per controller',
      labelNames: ['controller'],
      registers,
    });

    this.#queueAdds = new Counter({
      name: 'workqueue_adds_total',
      help: 'Total number of adds handled by workqueue',
      labelNames: ['name'],
      registers,
    });
    this.#retries = new Counter({
      name: 'workqueue_retries_total',
      help: 'Total number of retries handled by workqueue',
      labelNames: ['name'],
      registers,
    });
    this.#queueDuration = new Histogram({
      name: 'workqueue_queue_duration_seconds',
      help: 'How long in seconds an item stays in workqueue before being requested',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    this.#workDuration = new Histogram({
      name: 'workqueue_work_duration_seconds',
      help: 'How long in seconds processing an item from workqueue takes',
      labelNames: ['name'],
      buckets: WORKQUEUE_BUCKETS,
      registers,
    });
    // Gauges that describe a queue's present state are read from the queue at scrape time.
    const queues = this.#queues;
    const gauge = (name: string, help: string, read: (queue: WorkQueueGauges) => number): void => {
      new Gauge({
        name,
        help,
        labelNames: ['name'],
        registers,
        collect() {
          this.reset();
          for (const [queueName, queue] of queues) this.set({ name: queueName }, read(queue));
        },
      });
    };
    gauge('workqueue_depth', 'Current depth of workqueue', (q) => q.depth());
    gauge(
      'workqueue_unfinished_work_seconds',
      "How many seconds of work has been done that is in progress and hasn't been observed by work_duration",
      (q) => q.unfinishedWorkSeconds(),
    );
    gauge(
      'workqueue_longest_running_processor_seconds',
      'How many seconds has the longest running processor for workqueue been running',
      (q) => q.longestRunningProcessorSeconds(),
    );
  }

  /** Starts a controller's series at zero (as controller-runtime does), so rates exist before the first event. */
  initController(controller: string, concurrency: number): void {
    for (const result of RESULTS) this.reconcileTotal.inc({ controller, result }, 0);
    this.reconcileErrors.inc({ controller }, 0);
    this.terminalReconcileErrors.inc({ controller }, 0);
    this.reconcilePanics.inc({ controller }, 0);
    this.maxConcurrentReconciles.set({ controller }, concurrency);
    this.activeWorkers.set({ controller }, 0);
  }

  /** The hooks a WorkQueue named `name` reports through. */
  workqueue(name: string): WorkQueueMetricsHooks {
    this.#queueAdds.inc({ name }, 0);
    this.#retries.inc({ name }, 0);
    return {
      added: () => this.#queueAdds.inc({ name }),
      retried: () => this.#retries.inc({ name }),
      waited: (seconds) => this.#queueDuration.observe({ name }, seconds),
      worked: (seconds) => this.#workDuration.observe({ name }, seconds),
      observe: (queue) => void this.#queues.set(name, queue),
    };
  }

  /** A counter of the reconcilers' own, registered here; the name must start with `glkeys_`. */
  counter<L extends string = string>(config: { name: string; help: string; labelNames?: readonly L[] }): Counter<L> {
    return new Counter<L>({ ...config, name: ownName(config.name), registers: [this.registry] });
  }

  gauge<L extends string = string>(config: { name: string; help: string; labelNames?: readonly L[] }): Gauge<L> {
    return new Gauge<L>({ ...config, name: ownName(config.name), registers: [this.registry] });
  }

  histogram<L extends string = string>(config: {
    name: string;
    help: string;
    labelNames?: readonly L[];
    buckets?: number[];
  }): Histogram<L> {
    return new Histogram<L>({ ...config, name: ownName(config.name), registers: [this.registry] });
  }

  /** The exposition text and its content type, as /metrics serves them. */
  async expose(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

function ownName(name: string): string {
  if (!/^glkeys_[a-z0-9_]+$/.test(name)) throw new TypeError(`metric name must match glkeys_[a-z0-9_]+, got ${JSON.stringify(name)}`);
  return name;
}
