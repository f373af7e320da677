// Ties a process together: runnables (controllers, and later informers and the leader elector),
// the probe and metrics servers, and a graceful shutdown. The library never touches process
// signals; the bin calls `installSignalHandlers(manager)`.
import { systemClock } from './clock.js';
import { discardLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { Checks, serveMetrics, serveProbes, type Check, type HttpEndpoint } from './probes.js';

/** Anything the manager starts and stops: a Controller fits. */
export interface Runnable {
  start(): void | Promise<void>;
  stop(options: { graceMs: number }): Promise<void>;
}

export interface ManagerOptions {
  /** controller-runtime's --metrics-bind-address; "0" disables (default ":8080"). */
  metricsBindAddress?: string;
  /** controller-runtime's --health-probe-bind-address; "0" disables (default ":8081"). */
  healthProbeBindAddress?: string;
  /** The whole shutdown's budget, shared by the runnables in turn (default 30 s). */
  gracefulShutdownMs?: number;
  logger?: Logger;
  metrics?: Metrics;
}

export class Manager {
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly healthz: Checks;
  readonly readyz: Checks;
  readonly #options: ManagerOptions;
  readonly #runnables: Runnable[] = [];
  #started: Runnable[] = [];
  #endpoints: { probes?: HttpEndpoint; metrics?: HttpEndpoint } = {};
  #stopping: Promise<void> | undefined;

  constructor(options: ManagerOptions = {}) {
    this.#options = options;
    this.metrics = options.metrics ?? new Metrics();
    this.log = options.logger ?? discardLogger;
    this.healthz = new Checks('healthz', this.log);
    this.readyz = new Checks('readyz', this.log);
    // Alive as long as the event loop answers; readiness is for the runnables to declare.
    this.healthz.add('ping', () => true);
  }

  /** Runnables start in the order added and stop in reverse (so an elector added first is released last). */
  add(runnable: Runnable): void {
    if (this.#stopping) throw new Error('manager is stopping');
    this.#runnables.push(runnable);
  }

  addHealthzCheck(name: string, check: Check): void {
    this.healthz.add(name, check);
  }

  addReadyzCheck(name: string, check: Check): void {
    this.readyz.add(name, check);
  }

  /** The bound probe and metrics servers (undefined when disabled or not started). */
  get endpoints(): { probes?: HttpEndpoint; metrics?: HttpEndpoint } {
    return this.#endpoints;
  }

  /** Serves probes and metrics first (the kubelet sees "not ready" rather than nothing), then starts runnables. */
  async start(): Promise<void> {
    const [probes, metrics] = await Promise.all([
      serveProbes({
        bindAddress: this.#options.healthProbeBindAddress ?? ':8081',
        healthz: this.healthz,
        readyz: this.readyz,
        logger: this.log,
      }),
      serveMetrics({ bindAddress: this.#options.metricsBindAddress ?? ':8080', metrics: this.metrics, logger: this.log }),
    ]);
    this.#endpoints = { probes, metrics };
    this.log.info('Serving probes and metrics', { probes: probes?.url, metrics: metrics?.url });
    try {
      for (const runnable of this.#runnables) {
        if (this.#stopping) break;
        await runnable.start();
        this.#started.push(runnable);
      }
    } catch (error) {
      // Do not leave servers and half the runnables running behind a failed start.
      await this.stop();
      throw error;
    }
  }

  /** Stops runnables in reverse order within the grace budget, then closes the servers. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const budget = this.#options.gracefulShutdownMs ?? 30_000;
    const deadline = systemClock.now() + budget;
    this.log.info('Stopping', { gracefulShutdownMs: budget });
    for (const runnable of this.#started.reverse()) {
      try {
        await runnable.stop({ graceMs: Math.max(0, deadline - systemClock.now()) });
      } catch (error) {
        this.log.error('A runnable failed to stop', error);
      }
    }
    this.#started = [];
    await Promise.all([this.#endpoints.probes?.close(), this.#endpoints.metrics?.close()]);
    this.log.info('Stopped');
  }
}

/** The part of `process` the handlers use; injectable for tests. */
export interface SignalTarget {
  on(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  off(signal: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  exit(code?: number): never | void;
  exitCode?: number | string | undefined;
}

/**
 * For the bin only: the first SIGTERM/SIGINT stops the manager gracefully and sets the exit code;
 * a second one exits at once (an operator's "I mean it"). Returns a function that removes them.
 */
export function installSignalHandlers(manager: Manager, target: SignalTarget = process): () => void {
  let received = false;
  const onSignal = (): void => {
    if (received) {
      manager.log.info('Second signal received, exiting now');
      target.exit(1);
      return;
    }
    received = true;
    manager.stop().then(
      () => (target.exitCode = 0),
      (error: unknown) => {
        manager.log.error('Shutdown failed', error);
        target.exitCode = 1;
      },
    );
  };
  target.on('SIGTERM', onSignal);
  target.on('SIGINT', onSignal);
  return () => {
    target.off('SIGTERM', onSignal);
    target.off('SIGINT', onSignal);
  };
}
