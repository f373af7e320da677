// The manager: servers up before runnables, reverse-order stop within the budget, signals.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { Controller } from '../../src/runtime/controller.js';
import { installSignalHandlers, Manager, type Runnable } from '../../src/runtime/manager.js';
import { Metrics } from '../../src/runtime/metrics.js';

describe('Manager', () => {
  it('serves probes and metrics, runs controllers, and stops runnables in reverse order before closing servers', async () => {
    const events: string[] = [];
    const metrics = new Metrics({ defaultMetrics: false });
    const manager = new Manager({ metricsBindAddress: '127.0.0.1:0', healthProbeBindAddress: '127.0.0.1:0', metrics });
    const tracked = (name: string): Runnable => ({
      start: () => void events.push(`start ${name}`),
      stop: async ({ graceMs }) => {
        expect(graceMs).toBeGreaterThan(0);
        events.push(`stop ${name}`);
      },
    });
    let reconciled = 0;
    const controller = new Controller({ name: 'c', metrics, reconcile: async () => void reconciled++ });
    manager.add(tracked('elector'));
    manager.add(controller);
    manager.add(tracked('informers'));
    let synced = false;
    manager.addReadyzCheck('informers-synced', () => synced);
    await manager.start();
    const { probes, metrics: metricsEndpoint } = manager.endpoints;
    expect((await fetch(`${probes!.url}/readyz`)).status).toBe(503);
    synced = true;
    expect((await fetch(`${probes!.url}/readyz`)).status).toBe(200);
    controller.enqueue('ns/a');
    await expect.poll(() => reconciled, { timeout: 10_000 }).toBe(1);
    expect(await (await fetch(`${metricsEndpoint!.url}/metrics`)).text()).toContain(
      'controller_runtime_reconcile_total{controller="c",result="success"} 1',
    );

    await manager.stop();
    expect(events).toEqual(['start elector', 'start informers', 'stop informers', 'stop elector']);
    expect(controller.queue.shuttingDown).toBe(true);
    await expect(fetch(`${probes!.url}/healthz`)).rejects.toThrow();
  });

  it('stops on the first SIGTERM and exits on the second', async () => {
    const manager = new Manager({ metricsBindAddress: '0', healthProbeBindAddress: '0' });
    let stops = 0;
    manager.add({ start: () => {}, stop: async () => void stops++ });
    await manager.start();
    const target = Object.assign(new EventEmitter(), {
      exitCode: undefined as number | string | undefined,
      exits: [] as (number | undefined)[],
      exit(code?: number) {
        this.exits.push(code);
      },
    });
    const remove = installSignalHandlers(manager, target);
    target.emit('SIGTERM');
    await expect.poll(() => target.exitCode).toBe(0);
    target.emit('SIGINT');
    expect(stops).toBe(1);
    expect(target.exits).toEqual([1]);
    remove();
    expect(target.listenerCount('SIGTERM') + target.listenerCount('SIGINT')).toBe(0);
  });
});
