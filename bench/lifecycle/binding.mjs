// Secret binding benchmark: GitLab calls AND Kubernetes writes per lifecycle step when a
// credential is bound to a Kubernetes Secret through core's `deployTokenToSecret` /
// `deployKeyToSecret`, on a real etcd + kube-apiserver (@glkeys/kube-testenv).
//
// GitLab calls are counted from the simulator's request log. Kubernetes writes are counted
// three ways and must agree: the binding's result (`writes`), the store's own counter
// (`KubernetesSecretStore.writes`), and, independently of core, a watch on the namespace's
// Secrets (one ADDED/MODIFIED event per write), cross-checked with the Secret's resourceVersion
// (changed exactly when the watch saw a write). Targets are those of the header of
// packages/core/src/lifecycle/protocol.ts; a miss exits non-zero.
//
// Needs `pnpm run build` (core, gitlab-sim, kube-testenv; the Kubernetes binaries cached).
// Usage: node lifecycle/binding.mjs [--owners 50] [--latency-ms 0] [--grace-ms 3600000]
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { createGitlabClient, deployKeyToSecret, deployTokenToSecret, resolveTarget, resolveTargetRef } from '@glkeys/core';
import { KubernetesSecretStore } from '@glkeys/core/kubernetes';
import { SEED_PATHS, SEED_TOKENS, start as startSim } from '@glkeys/gitlab-sim';
// Not a dependency of @glkeys/bench: loaded from the workspace, as kube-testenv/start.mjs does.
import { start as startKube } from '../../packages/kube-testenv/dist/index.js';

// The Kubernetes client core itself uses (one copy in the workspace), for the namespace and the watch.
const { CoreV1Api, Watch } = createRequire(new URL('../../packages/core/package.json', import.meta.url))('@kubernetes/client-node');

const { values } = parseArgs({
  options: {
    owners: { type: 'string', default: '50' },
    'latency-ms': { type: 'string', default: '0' },
    'grace-ms': { type: 'string', default: '3600000' },
  },
});
const OWNERS = Number(values.owners);
const LATENCY = Number(values['latency-ms']);
const GRACE_MS = Number(values['grace-ms']);
for (const [name, v] of [
  ['owners', OWNERS],
  ['latency-ms', LATENCY],
  ['grace-ms', GRACE_MS],
]) {
  if (!Number.isInteger(v) || v < (name === 'owners' ? 1 : 0))
    throw new Error(`--${name} must be a ${name === 'owners' ? 'positive' : 'non-negative'} integer`);
}
const NAMESPACE = 'glkeys-bench';
// A fixed public host key line: Flux's SSH format needs known_hosts, its content is not checked here.
const KNOWN_HOSTS = 'gitlab.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

// Targets per call: GitLab calls, of which GitLab writes, and Kubernetes writes (protocol.ts header).
const STEPS = [
  {
    key: 'token.fresh',
    what: 'fresh token (`ensure`, no Secret)',
    target: { calls: 1, gitlabWrites: 1, kubeWrites: 2 },
    action: 'created',
  },
  { key: 'token.noop', what: 'no-op `ensure` (`verify: false`)', target: { calls: 0, gitlabWrites: 0, kubeWrites: 0 }, action: 'kept' },
  {
    key: 'token.verify',
    what: 'verifying `ensure` (`verify: true`)',
    target: { calls: 1, gitlabWrites: 0, kubeWrites: 0 },
    action: 'kept',
  },
  {
    key: 'token.rotate',
    what: 'rotation, no grace period',
    target: { calls: 2, gitlabWrites: 2, kubeWrites: 3 },
    action: 'rotated',
    retiring: 0,
  },
  {
    key: 'token.rotateGrace',
    what: 'rotation, grace 1 h: now',
    target: { calls: 1, gitlabWrites: 1, kubeWrites: 2 },
    action: 'rotated',
    retiring: 1,
  },
  {
    key: 'token.graceEnd',
    what: 'rotation, grace 1 h: when it ends (`ensure`)',
    target: { calls: 1, gitlabWrites: 1, kubeWrites: 1 },
    action: 'kept',
    retiring: 0,
  },
  {
    key: 'key.fresh',
    what: 'fresh deploy key (`ensure`, no Secret)',
    target: { calls: 1, gitlabWrites: 1, kubeWrites: 2 },
    action: 'created',
  },
  {
    key: 'key.rotate',
    what: 'deploy key rotation, no grace period',
    target: { calls: 2, gitlabWrites: 2, kubeWrites: 3 },
    action: 'rotated',
    retiring: 0,
  },
];

// Measures glkeys' own cost: no rate limit in the way.
const sim = await startSim({ latencyMs: LATENCY, rateLimit: false });
let kube;
let watch;
const failures = [];
try {
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner });
  const target = resolveTarget({ project: SEED_PATHS.project });
  // Resolved once, outside every measured step (a path would cost one GET per call).
  const targetRef = await resolveTargetRef(client, target);

  const kubeStartMs = performance.now();
  kube = await startKube();
  const kubeStartSeconds = (performance.now() - kubeStartMs) / 1000;
  const api = kube.kubeConfig.makeApiClient(CoreV1Api);
  await api.createNamespace({ body: { metadata: { name: NAMESPACE } } });

  // The independent counter: every ADDED/MODIFIED event per Secret, and the last resourceVersion seen.
  const seen = new Map(); // name -> { events, rv }
  let watchError;
  const listed = await api.listNamespacedSecret({ namespace: NAMESPACE });
  let watchRv = listed.metadata?.resourceVersion;
  const startWatch = async () => {
    watch = await new Watch(kube.kubeConfig).watch(
      `/api/v1/namespaces/${NAMESPACE}/secrets`,
      { resourceVersion: watchRv, allowWatchBookmarks: true },
      (type, obj) => {
        const rv = obj?.metadata?.resourceVersion;
        if (rv) watchRv = rv;
        if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return; // BOOKMARK
        const entry = seen.get(obj.metadata.name) ?? { events: 0, rv: undefined };
        entry.events += 1;
        entry.rv = rv;
        seen.set(obj.metadata.name, entry);
      },
      (err) => {
        // The apiserver ends watches after a while: resume from the last resourceVersion seen.
        if (watch?.signal.aborted || stopping) return;
        if (err && err.statusCode === 410) watchError = new Error('watch expired (410): Kubernetes writes cannot be counted');
        else startWatch().catch((e) => (watchError = e));
      },
    );
  };
  let stopping = false;
  await startWatch();

  /** Waits until the watch has delivered the Secret's current version; returns its resourceVersion and event count. */
  const observe = async (name) => {
    let rv;
    try {
      rv = (await api.readNamespacedSecret({ name, namespace: NAMESPACE })).metadata.resourceVersion;
    } catch (error) {
      if (error?.code !== 404) throw error;
    }
    const deadline = Date.now() + 10_000;
    while ((seen.get(name)?.rv ?? undefined) !== rv) {
      if (watchError) throw watchError;
      if (Date.now() > deadline) throw new Error(`watch never delivered Secret ${name} at resourceVersion ${rv}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    return { rv, events: seen.get(name)?.events ?? 0 };
  };

  const owners = Array.from({ length: OWNERS }, (_, i) => ({
    token: { secret: `bench-token-${i}`, owner: `bench-binding/token/${i}` },
    key: { secret: `bench-key-${i}`, owner: `bench-binding/key/${i}` },
  }));
  for (const o of owners) {
    for (const kind of ['token', 'key']) o[kind].store = new KubernetesSecretStore(kube.kubeConfig, NAMESPACE, o[kind].secret);
  }

  const common = (o) => ({
    client,
    store: o.store,
    secret: { namespace: NAMESPACE, name: o.secret },
    owner: o.owner,
    name: 'bench',
    target,
    targetRef,
  });
  const tokenSpec = { scopes: ['read_repository'], expiresAfter: '30d' };
  const laterThanGrace = () => new Date(Date.now() + GRACE_MS + 60_000);
  const callFor = {
    'token.fresh': (o) => deployTokenToSecret({ ...common(o.token), spec: tokenSpec, format: 'token', mode: 'ensure' }),
    'token.noop': (o) => deployTokenToSecret({ ...common(o.token), spec: tokenSpec, format: 'token', mode: 'ensure', verify: false }),
    'token.verify': (o) => deployTokenToSecret({ ...common(o.token), spec: tokenSpec, format: 'token', mode: 'ensure', verify: true }),
    'token.rotate': (o) => deployTokenToSecret({ ...common(o.token), spec: tokenSpec, format: 'token', mode: 'rotate', graceMs: 0 }),
    'token.rotateGrace': (o) =>
      deployTokenToSecret({ ...common(o.token), spec: tokenSpec, format: 'token', mode: 'rotate', graceMs: GRACE_MS }),
    'token.graceEnd': (o) =>
      deployTokenToSecret({
        ...common(o.token),
        spec: tokenSpec,
        format: 'token',
        mode: 'ensure',
        verify: false,
        graceMs: GRACE_MS,
        now: laterThanGrace,
      }),
    'key.fresh': (o) => deployKeyToSecret({ ...common(o.key), spec: {}, knownHosts: KNOWN_HOSTS, mode: 'ensure' }),
    'key.rotate': (o) => deployKeyToSecret({ ...common(o.key), spec: {}, knownHosts: KNOWN_HOSTS, mode: 'rotate', graceMs: 0 }),
  };

  const perStep = {};
  for (const step of STEPS) {
    const kind = step.key.split('.')[0];
    const sums = { calls: 0, gitlabWrites: 0, kubeWrites: 0 };
    const times = [];
    const misses = new Set();
    for (const o of owners) {
      const before = await observe(o[kind].secret);
      const storeBefore = o[kind].store.writes;
      sim.log.clear();
      const t0 = performance.now();
      const out = await callFor[step.key](o);
      times.push(performance.now() - t0);
      const calls = sim.log.count();
      const gitlabWrites = sim.log.count({ write: true });
      const after = await observe(o[kind].secret);
      const watched = after.events - before.events;
      const storeWrites = o[kind].store.writes - storeBefore;
      if (!(out.writes === storeWrites && storeWrites === watched))
        misses.add(`write counts disagree (result ${out.writes}, store ${storeWrites}, watch ${watched})`);
      if ((after.rv !== before.rv) !== watched > 0)
        misses.add(`resourceVersion ${after.rv !== before.rv ? 'changed' : 'unchanged'} but the watch saw ${watched} write(s)`);
      const got = { calls, gitlabWrites, kubeWrites: watched };
      for (const f of Object.keys(sums)) {
        sums[f] += got[f];
        if (got[f] !== step.target[f]) misses.add(`${f} ${got[f]} (target ${step.target[f]})`);
      }
      if (out.result.action !== step.action) misses.add(`action ${out.result.action} (expected ${step.action})`);
      if (step.retiring !== undefined && out.result.state.retiring.length !== step.retiring)
        misses.add(`${out.result.state.retiring.length} retiring (expected ${step.retiring})`);
      if (!out.result.settled && step.key !== 'token.rotateGrace') misses.add('not settled');
    }
    const mean = (x) => Number((x / OWNERS).toFixed(3));
    perStep[step.key] = {
      step: step.what,
      gitlabCalls: mean(sums.calls),
      gitlabWrites: mean(sums.gitlabWrites),
      kubeWrites: mean(sums.kubeWrites),
      target: step.target,
      medianMs: Number(median(times).toFixed(2)),
      p90Ms: Number(quantile(times, 0.9).toFixed(2)),
      met: misses.size === 0,
      ...(misses.size ? { misses: [...misses] } : {}),
    };
    if (misses.size) failures.push(`${step.key}: ${[...misses].join('; ')}`);
  }

  stopping = true;
  watch?.abort();
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
    },
    parameters: { owners: OWNERS, latencyMsPerGitlabRequest: LATENCY, graceMs: GRACE_MS },
    kubeStartSeconds: Number(kubeStartSeconds.toFixed(2)),
    kubeWritesCountedBy:
      'watch events per Secret, equal to the binding result and KubernetesSecretStore.writes, resourceVersion changed iff > 0',
    perStep,
    peakRssMiB: {
      benchProcess: Number((process.resourceUsage().maxRSS / 1024).toFixed(1)),
      etcd: peakRssMiB(kube.pids.etcd),
      kubeApiserver: peakRssMiB(kube.pids.kubeApiserver),
    },
  };
  console.log(JSON.stringify(report, null, 2));
} finally {
  watch?.abort();
  await kube?.stop();
  await sim.close();
}
if (failures.length) {
  console.error(`binding targets missed:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}

function median(xs) {
  return quantile(xs, 0.5);
}
function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.ceil(i)] - s[lo]) * (i - lo);
}
/** VmHWM (peak resident set) of a process in MiB, from /proc (Linux). */
function peakRssMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    return Number((Number(line?.match(/(\d+)/)?.[1]) / 1024).toFixed(1));
  } catch {
    return null;
  }
}
