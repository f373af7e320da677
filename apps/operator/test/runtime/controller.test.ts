// The controller loop on a ManualClock: what each reconcile outcome does to the key, counted.
import { RateLimitedError, ValidationError } from '@glkeys/core';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/runtime/clock.js';
import { Controller, isPanic, type ControllerOptions, type Reconciler } from '../../src/runtime/controller.js';
import { Metrics } from '../../src/runtime/metrics.js';

/** Lets pending promise callbacks (a worker picking up a key, a reconcile finishing) run. */
const settle = async (rounds = 3) => {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function metricValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const sample = metric?.values.find((value) => Object.entries(labels).every(([k, v]) => value.labels[k] === v));
  return sample?.value;
}

function setup(reconcile: Reconciler, options: Partial<ControllerOptions> = {}) {
  const clock = new ManualClock();
  const metrics = new Metrics({ defaultMetrics: false });
  const controller = new Controller({ name: 'test', reconcile, metrics, queue: { clock }, ...options });
  return { clock, metrics, controller };
}

describe('Controller', () => {
  it('requeues a failing key with exponential backoff (5, 10, 20 ms) and counts the errors', async () => {
    const calls: number[] = [];
    const { clock, metrics, controller } = setup(async () => {
      calls.push(clock.now());
      throw new Error('GitLab is down');
    });
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    for (let t = 0; t < 40; t++) {
      clock.advance(1);
      await settle();
    }
    expect(calls).toEqual([0, 5, 15, 35]);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_total', { result: 'error' })).toBe(4);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_errors_total', {})).toBe(4);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_panics_total', {})).toBe(0);
    await controller.stop();
  });

  it('does not retry a terminal error (core isTerminal by default), counts and forgets it', async () => {
    let calls = 0;
    const { clock, metrics, controller } = setup(async () => {
      calls++;
      throw new ValidationError('spec.scopes', 'required');
    });
    controller.queue.addRateLimited('ns/a'); // a failure from before: forgetting must reset it
    clock.advance(5);
    controller.start();
    await settle();
    clock.advance(2_000_000);
    await settle();
    expect(calls).toBe(1);
    expect(controller.queue.numRequeues('ns/a')).toBe(0);
    expect(controller.queue.waitingLen()).toBe(0);
    expect(await metricValue(metrics, 'controller_runtime_terminal_reconcile_errors_total', {})).toBe(1);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_total', { result: 'error' })).toBe(1);
    await controller.stop();
  });

  it('honours requeueAfterMs: the key comes back at that time, not before, with its backoff reset', async () => {
    const calls: number[] = [];
    const { clock, metrics, controller } = setup(async () => {
      calls.push(clock.now());
      return { requeueAfterMs: 60_000 };
    });
    controller.queue.addRateLimited('ns/a');
    clock.advance(5);
    controller.start();
    await settle();
    expect(controller.queue.numRequeues('ns/a')).toBe(0);
    clock.advance(59_999);
    await settle();
    expect(calls).toEqual([5]);
    clock.advance(1);
    await settle();
    expect(calls).toEqual([5, 60_005]);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_total', { result: 'requeue_after' })).toBe(2);
    await controller.stop();
  });

  it('waits at least the retry-after the server asked for (core retryAfterMs by default)', async () => {
    const calls: number[] = [];
    const { clock, controller } = setup(async () => {
      calls.push(clock.now());
      if (calls.length === 1) {
        throw new RateLimitedError('429 from GitLab', {
          request: { method: 'POST', path: 'projects/1/deploy_tokens' },
          status: 429,
          retryAfterMs: 2000,
        });
      }
    });
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    clock.advance(1999);
    await settle();
    expect(calls).toEqual([0]);
    clock.advance(1);
    await settle();
    expect(calls).toEqual([0, 2000]);
    await controller.stop();
  });

  it('counts a bug (TypeError, non-Error throw) as a panic and retries it with backoff', async () => {
    let calls = 0;
    const { clock, metrics, controller } = setup(async () => {
      calls++;
      if (calls === 1) throw new TypeError("Cannot read properties of undefined (reading 'spec')");
      // A non-Error throw is what the controller must count as a panic.
      // eslint-disable-next-line @typescript-eslint/only-throw-error
      if (calls === 2) throw 'a string';
    });
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    clock.advance(5);
    await settle();
    clock.advance(10);
    await settle();
    expect(calls).toBe(3);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_panics_total', {})).toBe(2);
    expect(await metricValue(metrics, 'controller_runtime_reconcile_total', { result: 'success' })).toBe(1);
    expect(isPanic(new TypeError('fetch failed'))).toBe(false);
    await controller.stop();
  });

  it('keeps its worker and retries the key when its own error handling throws', async () => {
    let calls = 0;
    const { clock, controller } = setup(
      async () => {
        calls++;
        if (calls === 1) throw new Error('boom');
      },
      {
        isTerminal: () => {
          throw new Error('classifier bug');
        },
      },
    );
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    clock.advance(5);
    await settle();
    expect(calls).toBe(2);
    controller.enqueue('ns/b');
    await settle();
    expect(calls).toBe(3);
    await controller.stop();
  });

  it('never runs more reconciles at once than its concurrency', async () => {
    let running = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    const { controller, metrics } = setup(
      async () => {
        running++;
        most = Math.max(most, running);
        const gate = deferred();
        gates.push(gate.resolve);
        await gate.promise;
        running--;
      },
      { concurrency: 3 },
    );
    for (let i = 0; i < 10; i++) controller.enqueue(`ns/k${i}`);
    controller.start();
    let finished = 0;
    while (finished < 10) {
      await settle();
      expect(running).toBeLessThanOrEqual(3);
      expect(await metricValue(metrics, 'controller_runtime_active_workers', {})).toBe(running);
      const gate = gates.shift();
      if (!gate) break;
      gate();
      finished++;
    }
    expect(finished).toBe(10);
    expect(most).toBe(3);
    expect(await metricValue(metrics, 'controller_runtime_max_concurrent_reconciles', {})).toBe(3);
    await controller.stop();
  });

  it('never reconciles one key in two workers at once, and once more after a re-add', async () => {
    const inFlight = new Set<string>();
    let overlaps = 0;
    let calls = 0;
    const gate = deferred();
    const { controller } = setup(
      async (key) => {
        calls++;
        if (inFlight.has(key)) overlaps++;
        inFlight.add(key);
        if (calls === 1) await gate.promise;
        inFlight.delete(key);
      },
      { concurrency: 4 },
    );
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    for (let i = 0; i < 5; i++) controller.enqueue('ns/a');
    await settle();
    expect(calls).toBe(1);
    gate.resolve();
    await settle();
    expect(calls).toBe(2);
    expect(overlaps).toBe(0);
    await controller.stop();
  });

  it('on stop: no new work, in-flight reconciles get the grace period, then their signals abort', async () => {
    let aborted = 0;
    let calls = 0;
    const { clock, controller } = setup(
      (_key, { signal }) =>
        new Promise<void>((resolve) => {
          calls++;
          signal.addEventListener('abort', () => {
            aborted++;
            resolve();
          });
        }),
      { concurrency: 2 },
    );
    controller.enqueue('ns/a');
    controller.enqueue('ns/b');
    controller.start();
    await settle();
    let stopped = false;
    const stopping = controller.stop({ graceMs: 1000 }).then(() => (stopped = true));
    controller.enqueue('ns/c');
    clock.advance(999);
    await settle();
    expect(aborted).toBe(0);
    expect(stopped).toBe(false);
    clock.advance(1);
    await stopping;
    expect(aborted).toBe(2);
    expect(calls).toBe(2);
  });

  it('on stop: reconciles that finish within the grace period are not aborted', async () => {
    const gate = deferred();
    let signal: AbortSignal | undefined;
    const { clock, controller } = setup(async (_key, ctx) => {
      signal = ctx.signal;
      await gate.promise;
    });
    controller.enqueue('ns/a');
    controller.start();
    await settle();
    const stopping = controller.stop({ graceMs: 30_000 });
    clock.advance(10_000);
    gate.resolve();
    await stopping;
    expect(signal?.aborted).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
