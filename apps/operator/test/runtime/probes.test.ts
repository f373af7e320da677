// /metrics, /healthz and /readyz over real HTTP on an ephemeral loopback port.
import { afterEach, describe, expect, it } from 'vitest';
import { Controller } from '../../src/runtime/controller.js';
import { Metrics } from '../../src/runtime/metrics.js';
import { Checks, parseBindAddress, serveMetrics, serveProbes, type HttpEndpoint } from '../../src/runtime/probes.js';

const open: HttpEndpoint[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((endpoint) => endpoint.close()));
});

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: await res.text() };
}

describe('metrics endpoint', () => {
  it('serves controller-runtime and workqueue metrics with the right labels and values', async () => {
    const metrics = new Metrics();
    let calls = 0;
    const controller = new Controller({
      name: 'gitlabdeploytoken',
      metrics,
      reconcile: async (key) => {
        calls++;
        if (key === 'ns/broken') throw Object.assign(new Error('bad spec'), { code: 'VALIDATION' });
        if (key === 'ns/later') return { requeueAfterMs: 3_600_000 };
      },
    });
    controller.enqueue('ns/a');
    controller.enqueue('ns/b');
    controller.enqueue('ns/broken');
    controller.enqueue('ns/later');
    controller.start();
    await expect.poll(() => calls, { timeout: 10_000 }).toBe(4);
    await expect.poll(() => controller.queue.depth() + controller.queue.len(), { timeout: 10_000 }).toBe(0);
    await controller.stop();

    const endpoint = (await serveMetrics({ bindAddress: '127.0.0.1:0', metrics }))!;
    open.push(endpoint);
    const { status, body } = await get(`${endpoint.url}/metrics`);
    expect(status).toBe(200);
    const line = (prefix: string) => body.split('\n').find((l) => l.startsWith(prefix));
    expect(line('controller_runtime_reconcile_total{controller="gitlabdeploytoken",result="success"}')).toMatch(/ 2$/);
    expect(line('controller_runtime_reconcile_total{controller="gitlabdeploytoken",result="error"}')).toMatch(/ 1$/);
    expect(line('controller_runtime_reconcile_total{controller="gitlabdeploytoken",result="requeue_after"}')).toMatch(/ 1$/);
    expect(line('controller_runtime_reconcile_total{controller="gitlabdeploytoken",result="requeue"}')).toMatch(/ 0$/);
    expect(line('controller_runtime_reconcile_errors_total{controller="gitlabdeploytoken"}')).toMatch(/ 1$/);
    expect(line('controller_runtime_terminal_reconcile_errors_total{controller="gitlabdeploytoken"}')).toMatch(/ 1$/);
    expect(line('controller_runtime_reconcile_panics_total{controller="gitlabdeploytoken"}')).toMatch(/ 0$/);
    expect(line('controller_runtime_reconcile_time_seconds_count{controller="gitlabdeploytoken"}')).toMatch(/ 4$/);
    expect(line('controller_runtime_max_concurrent_reconciles{controller="gitlabdeploytoken"}')).toMatch(/ 1$/);
    expect(line('controller_runtime_active_workers{controller="gitlabdeploytoken"}')).toMatch(/ 0$/);
    expect(line('workqueue_adds_total{name="gitlabdeploytoken"}')).toMatch(/ 4$/);
    expect(line('workqueue_retries_total{name="gitlabdeploytoken"}')).toMatch(/ 1$/);
    expect(line('workqueue_depth{name="gitlabdeploytoken"}')).toMatch(/ 0$/);
    expect(line('workqueue_queue_duration_seconds_count{name="gitlabdeploytoken"}')).toMatch(/ 4$/);
    expect(line('workqueue_work_duration_seconds_count{name="gitlabdeploytoken"}')).toMatch(/ 4$/);
    expect(line('workqueue_unfinished_work_seconds{name="gitlabdeploytoken"}')).toMatch(/ 0$/);
    expect(line('workqueue_longest_running_processor_seconds{name="gitlabdeploytoken"}')).toMatch(/ 0$/);
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('registers the reconcilers own glkeys_ metrics in the same registry, and refuses other names', async () => {
    const metrics = new Metrics({ defaultMetrics: false });
    metrics.counter({ name: 'glkeys_rotations_total', help: 'Credentials rotated', labelNames: ['kind'] }).inc({ kind: 'token' });
    expect(() => metrics.counter({ name: 'rotations_total', help: 'x' })).toThrow(/glkeys_/);
    // Two managers in one process do not collide: each has its own registry.
    const other = new Metrics();
    other.counter({ name: 'glkeys_rotations_total', help: 'Credentials rotated' });
    expect((await metrics.expose()).body).toContain('glkeys_rotations_total{kind="token"} 1');
  });

  it('is not served when its bind address is 0', async () => {
    expect(await serveMetrics({ bindAddress: '0', metrics: new Metrics({ defaultMetrics: false }) })).toBeUndefined();
    expect(parseBindAddress(':8080')).toEqual({ host: undefined, port: 8080 });
    expect(parseBindAddress('[::1]:9443')).toEqual({ host: '::1', port: 9443 });
    expect(() => parseBindAddress('localhost')).toThrow(/bind address/);
  });
});

describe('probes', () => {
  it('answers /readyz 503 naming the failing check until it passes; /healthz stays 200', async () => {
    let synced = false;
    const healthz = new Checks('healthz');
    healthz.add('ping', () => true);
    const readyz = new Checks('readyz');
    readyz.add('ping', () => true);
    readyz.add('informers-synced', async () => {
      if (!synced) throw new Error('caches not synced');
    });
    const endpoint = (await serveProbes({ bindAddress: '127.0.0.1:0', healthz, readyz }))!;
    open.push(endpoint);

    const before = await get(`${endpoint.url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body).toContain('[-]informers-synced failed');
    expect(before.body).toContain('[+]ping ok');
    expect(before.body).not.toContain('caches not synced');
    expect((await get(`${endpoint.url}/healthz`)).status).toBe(200);

    synced = true;
    expect(await get(`${endpoint.url}/readyz`)).toEqual({ status: 200, body: 'ok' });
    const verbose = await get(`${endpoint.url}/readyz?verbose`);
    expect(verbose.body).toContain('[+]informers-synced ok');
    expect((await get(`${endpoint.url}/nothing`)).status).toBe(404);
  });

  it('treats a check returning false as failing, and closes with a keep-alive client connected', async () => {
    const readyz = new Checks('readyz');
    readyz.add('leader', () => false);
    const endpoint = (await serveProbes({ bindAddress: '127.0.0.1:0', healthz: new Checks('healthz'), readyz }))!;
    expect((await get(`${endpoint.url}/readyz`)).status).toBe(503);
    expect((await get(`${endpoint.url}/healthz`)).status).toBe(200);
    await endpoint.close();
    await expect(get(`${endpoint.url}/healthz`)).rejects.toThrow();
  });
});
