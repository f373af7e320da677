// Lease leader election on a real apiserver, with short test durations (3 s lease, 2 s renew
// deadline, 0.5 s retry; the defaults are controller-runtime's 15/10/2).
import { CoordinationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LeaderElector } from '../src/runtime/leader.js';
import { createRole, unbind } from './support/rbac.js';

const ns = useNamespace('leader');
const eventually = { timeout: 30_000, interval: 50 };
const electors: LeaderElector[] = [];
const timers: NodeJS.Timeout[] = [];
let overlaps = 0;

afterEach(async () => {
  for (const t of timers.splice(0)) clearInterval(t);
  await Promise.all(electors.splice(0).map((e) => e.stop({ release: false })));
});

/** Elector `id`, appending 'id started' / 'id stopped' to `log` when its hooks run. */
function elector(id: string, log: string[], kubeConfig: KubeConfig = testEnv().kubeConfig): LeaderElector {
  const e = new LeaderElector({
    kubeConfig,
    namespace: ns.name,
    name: 'operator',
    identity: id,
    leaseDurationMs: 3_000,
    renewDeadlineMs: 2_000,
    retryPeriodMs: 500,
    onStartedLeading: () => void log.push(`${id} started`),
    onStoppedLeading: () => void log.push(`${id} stopped`),
  });
  electors.push(e);
  return e;
}

/** Samples every 10 ms whether two electors lead at once. */
function watchForOverlap(a: LeaderElector, b: LeaderElector): () => number {
  let samples = 0;
  overlaps = 0;
  timers.push(
    setInterval(() => {
      samples += 1;
      if (a.isLeader() && b.isLeader()) overlaps += 1;
    }, 10),
  );
  return () => samples;
}

async function lease() {
  return testEnv().kubeConfig.makeApiClient(CoordinationV1Api).readNamespacedLease({ name: 'operator', namespace: ns.name });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LeaderElector', () => {
  it('lets exactly one of two lead, and a released lease passes on at the next try', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    const b = elector('b', log);
    const samples = watchForOverlap(a, b);
    void a.run();
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), eventually);
    void b.run();
    await pause(4_000); // more than a lease duration of renewals with b campaigning
    expect(a.isLeader()).toBe(true);
    expect(b.isLeader()).toBe(false);
    expect(b.stats().heldByOthers).toBeGreaterThanOrEqual(3);

    const triesBefore = b.stats().attempts;
    await a.stop({ release: true });
    const released = await lease();
    expect(released.spec?.holderIdentity ?? '').toBe('');
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), eventually);
    // Waiting out the lease would take at least 3 s / 0.6 s = 5 tries; the release is seen at once.
    expect(b.stats().attempts - triesBefore).toBeLessThanOrEqual(2);
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect((await lease()).spec?.leaseTransitions).toBe(1);
    expect(samples()).toBeGreaterThan(100);
    expect(overlaps).toBe(0);
  });

  it('replaces a leader that vanished without releasing only after a lease duration, counting the transition', async () => {
    const log: string[] = [];
    const a = elector('a', log);
    const b = elector('b', log);
    watchForOverlap(a, b);
    void a.run();
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), eventually);
    void b.run();
    await pause(1_000);
    const transitions = (await lease()).spec?.leaseTransitions ?? 0;

    // As SIGKILL: timers stop, nothing is released.
    await a.stop({ release: false });
    const lastRecord = (await lease()).spec;
    expect(lastRecord?.holderIdentity).toBe('a');
    const heldBefore = b.stats().heldByOthers;
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), eventually);
    // b saw a's last record unchanged on every try for 3 s on its own clock: at least 4 more tries at ≤ 0.6 s.
    expect(b.stats().heldByOthers - heldBefore).toBeGreaterThanOrEqual(4);
    const taken = (await lease()).spec;
    expect(taken?.holderIdentity).toBe('b');
    expect(taken?.leaseTransitions).toBe(transitions + 1);
    expect(overlaps).toBe(0);
  });

  it('stops leading when it cannot renew (RBAC revoked), before anyone else takes over', async () => {
    const admin = testEnv().kubeConfig;
    const grant = {
      namespace: ns.name,
      serviceAccount: 'elector',
      name: 'lease-holder',
      rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }],
    };
    const { kubeConfig } = await testEnv().kubeconfigFor({ serviceAccount: { namespace: ns.name, name: 'elector' } });
    await createRole(admin, grant);
    const log: string[] = [];
    const a = elector('a', log, kubeConfig);
    const b = elector('b', log);
    watchForOverlap(a, b);
    const aRun = a.run();
    await vi.waitFor(() => expect(a.isLeader()).toBe(true), eventually);
    void b.run();
    await pause(1_000);

    await unbind(admin, grant);
    await vi.waitFor(() => expect(b.isLeader()).toBe(true), eventually);
    await aRun; // run() returns once leadership is lost
    expect(log).toEqual(['a started', 'a stopped', 'b started']);
    expect(a.isLeader()).toBe(false);
    expect(overlaps).toBe(0);
  });

  it('refuses durations that would let a leader outlive its lease', () => {
    const base = { kubeConfig: testEnv().kubeConfig, namespace: 'x', name: 'y' };
    expect(() => new LeaderElector({ ...base, leaseDurationMs: 10_000, renewDeadlineMs: 10_000 })).toThrow(RangeError);
    expect(() => new LeaderElector({ ...base, renewDeadlineMs: 2_000, retryPeriodMs: 2_000 })).toThrow(RangeError);
    expect(new LeaderElector(base).identity).toMatch(/_[0-9a-f-]{36}$/);
  });
});
