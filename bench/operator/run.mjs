// Operator benchmark: the real `glkeys-operator` process (apps/operator/dist/main.js) against a
// real etcd + kube-apiserver (@glkeys/kube-testenv) and the GitLab simulator (in this process).
//
// 1. Convergence of N objects sharing one PAT, with the simulator limited to GitLab.com's
//    authenticated API rate (2,000 requests per minute per user), as a ratio to the time that
//    rate allows for the calls made; and again without a rate limit. Per --concurrency value.
// 2. GitLab calls and Kubernetes writes per create, per no-op reconcile (an annotation edit, and
//    a restart of the process, which reconciles every object again) and per rotation (spec edit).
//    A second limited run with --limited-objects (default 2,500) needs more calls than one window
//    holds, so the limit binds: the bound is then the windows it must wait for plus the rest at
//    the operator's unlimited speed measured in the same run.
// 3. Peak RSS (VmHWM) of the operator process at N and at --big objects (no rate limit), run as
//    deployed (NODE_OPTIONS = the operator's DEFAULT_NODE_OPTIONS, as the image and chart set
//    it) and, at --big, also with Node's defaults.
// 4. Live tokens per object over 20 rotations (spec edits) beside a MODEL of External Secrets'
//    documented GitLab deploy-token generator protocol, run on the same simulator.
//
// Needs `pnpm run build` (core, gitlab-sim, kube-testenv, operator; the Kubernetes binaries cached).
// Usage: node operator/run.mjs [--bin apps/operator/dist/main.js] [--objects 1000] [--limited-objects 2500] [--big 10000] [--concurrency 4,8] [--latency-ms 5]
//   [--rate-limit 2000] [--step-objects 10] [--rotation-objects 20] [--rotations 20]
//   [--rotation-interval-ms 3000] [--create-parallelism 16] [--timeout-s 1200]
// A missed hard target exits 1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ownerKeyOf } from '@glkeys/core';
import { SEED_PATHS, SEED_TOKENS, start as startSim } from '@glkeys/gitlab-sim';
// Not dependencies of @glkeys/bench: loaded from the workspace, as kube-testenv/start.mjs does.
import { start as startKube } from '../../packages/kube-testenv/dist/index.js';
import { applyCrds, DEFAULT_NODE_OPTIONS } from '../../apps/operator/dist/index.js';

// The Kubernetes client the operator itself uses (one copy in the workspace).
const { CoreV1Api, CustomObjectsApi, KubeConfig, Watch } = createRequire(new URL('../../apps/operator/package.json', import.meta.url))(
  '@kubernetes/client-node',
);

const { values } = parseArgs({
  options: {
    objects: { type: 'string', default: '1000' },
    big: { type: 'string', default: '10000' },
    'limited-objects': { type: 'string', default: '2500' },
    // The image runs a one-file bundle (apps/operator/image/bundle.ts), which loads less code.
    bin: { type: 'string', default: fileURLToPath(new URL('../../apps/operator/dist/main.js', import.meta.url)) },
    concurrency: { type: 'string', default: '4,8' },
    'big-concurrency': { type: 'string', default: '4' },
    'latency-ms': { type: 'string', default: '5' },
    'rate-limit': { type: 'string', default: '2000' },
    'step-objects': { type: 'string', default: '10' },
    'rotation-objects': { type: 'string', default: '20' },
    rotations: { type: 'string', default: '20' },
    'rotation-interval-ms': { type: 'string', default: '3000' },
    'create-parallelism': { type: 'string', default: '16' },
    'timeout-s': { type: 'string', default: '1200' },
  },
});
const int = (name, min) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}`);
  return v;
};
const OBJECTS = int('objects', 1);
const BIG = int('big', 0);
const LIMITED_OBJECTS = int('limited-objects', 0);
const BIN = values.bin;
const CONCURRENCY = values.concurrency.split(',').map(Number);
if (CONCURRENCY.some((c) => !Number.isInteger(c) || c < 1 || c > 64))
  throw new Error('--concurrency: whole numbers from 1 to 64, comma-separated');
const BIG_CONCURRENCY = int('big-concurrency', 1);
const LATENCY = int('latency-ms', 0);
const RATE = int('rate-limit', 1);
const STEP_OBJECTS = int('step-objects', 1);
const ROT_OBJECTS = int('rotation-objects', 1);
const ROTATIONS = int('rotations', 3);
const ROT_INTERVAL = int('rotation-interval-ms', 500);
const PARALLELISM = int('create-parallelism', 1);
const TIMEOUT_MS = int('timeout-s', 10) * 1000;
const WINDOW_MS = 60_000;
// The model's refresh interval stands for 1 min (the operator's smallest refreshInterval); ESO's
// 2 min revocation delay is scaled by the same factor.
const MODEL_REVOKE_MS = 2 * ROT_INTERVAL;

const TOKENS = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const log = (message) => console.error(`[bench:operator ${new Date().toISOString().slice(11, 19)}] ${message}`);
const failures = [];
const target = (ok, what) => {
  if (!ok) failures.push(what);
  return ok ? 'met' : 'MISSED';
};

/** A /proc/<pid>/status figure (VmHWM, VmRSS) in MiB. */
const procMiB = (pid, field) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) / 1024;
};

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  return port;
}

log('starting kube-testenv and the simulator');
const kube = await startKube();
const kc = new KubeConfig();
kc.loadFromFile(kube.kubeconfigPath);
const core = kc.makeApiClient(CoreV1Api);
const custom = kc.makeApiClient(CustomObjectsApi);
await applyCrds(kc);
// No limit unless a run sets one (convergence under GitLab.com's limit sets it itself).
const sim = await startSim({ latencyMs: LATENCY, rateLimit: false });
const projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project).id;
const children = new Set();
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function operator(namespace, concurrency, nodeOptions = DEFAULT_NODE_OPTIONS) {
  const metricsPort = await freePort();
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--kubeconfig',
      kube.kubeconfigPath,
      '--namespace',
      namespace,
      '--leader-election-namespace',
      namespace,
      '--metrics-bind-address',
      `127.0.0.1:${metricsPort}`,
      '--health-probe-bind-address',
      '0',
      '--concurrency',
      String(concurrency),
      '--log-level',
      'error',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: nodeOptions } },
  );
  children.add(child);
  const tail = [];
  child.stderr.on('data', (chunk) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 5));
  });
  return { child, tail, startedAt: Date.now(), metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` };
}

async function stopOperator(op) {
  if (op.child.exitCode !== null) return;
  op.child.kill('SIGTERM');
  const timer = setTimeout(() => op.child.kill('SIGKILL'), 40_000);
  await once(op.child, 'exit');
  clearTimeout(timer);
  children.delete(op.child);
}

/** Sum of controller_runtime_reconcile_total for the deploy-token controller (every result). */
async function reconciles(op) {
  const text = await fetch(op.metricsUrl)
    .then((res) => res.text())
    .catch(() => ''); // not listening yet
  let sum = 0;
  for (const line of text.split('\n')) {
    const m = /^controller_runtime_reconcile_total\{controller="gitlabdeploytoken",[^}]*\} (\d+)/.exec(line);
    if (m) sum += Number(m[1]);
  }
  return sum;
}

async function eventually(check, what, op, timeoutMs = TIMEOUT_MS, everyMs = 100) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (op && op.child.exitCode !== null)
      throw new Error(`operator exited (${op.child.exitCode}) while waiting for ${what}: ${op.tail.join(' | ')}`);
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

async function namespaceWithPat(name) {
  await core.createNamespace({ body: { metadata: { name } } });
  await core.createNamespacedSecret({ namespace: name, body: { metadata: { name: 'pat' }, stringData: { token: SEED_TOKENS.owner } } });
}

const body = (namespace, name) => ({
  apiVersion: 'glkeys.io/v1alpha1',
  kind: 'GitlabDeployToken',
  metadata: { name, namespace },
  spec: {
    url: sim.url,
    projectID: String(projectId),
    scopes: ['read_repository'],
    auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
    target: { name: `${name}-creds` },
  },
});

async function createObjects(namespace, count, prefix = 't') {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      await custom.createNamespacedCustomObject({ ...TOKENS, namespace, body: body(namespace, `${prefix}${i}`) });
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLELISM, count) }, worker));
}

const keys = new Map();
const keyOf = (uid) => {
  let key = keys.get(uid);
  if (!key) keys.set(uid, (key = ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`)));
  return key;
};
/** Live (not revoked) tokens per owner key, from the simulator's state. */
function liveByOwner() {
  const counts = new Map();
  for (const t of sim.state.deployTokens(projectId)) {
    if (t.revoked) continue;
    const m = /glkeys:([0-9a-f]{12})\//.exec(t.name);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts;
}
const isReady = (o) =>
  o.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && o.status?.credential?.id !== undefined;

async function listObjects(namespace) {
  return (await custom.listNamespacedCustomObject({ ...TOKENS, namespace })).items;
}

/** Every object Ready for its generation with a credential, and exactly one live marked token each. */
async function converged(namespace, count) {
  const items = await listObjects(namespace);
  if (items.length !== count) return false;
  const live = liveByOwner();
  const done = items.filter(
    (o) => isReady(o) && o.status.observedGeneration === o.metadata.generation && live.get(keyOf(o.metadata.uid)) === 1,
  );
  return done.length === count ? items : false;
}

const gitlab = () => {
  const entries = sim.log.entries();
  return {
    calls: entries.length,
    writes: entries.filter((e) => e.method !== 'GET' && e.method !== 'HEAD').length,
    throttled: entries.filter((e) => e.status === 429).length,
  };
};

// ---------------------------------------------------------------- 1 + 3: convergence and RSS
async function convergence(count, concurrency, rateLimited, label, { nodeOptions = DEFAULT_NODE_OPTIONS, freeCallsPerSecond } = {}) {
  const namespace = `conv-${label}`;
  await namespaceWithPat(namespace);
  const t0 = Date.now();
  await createObjects(namespace, count);
  const createS = (Date.now() - t0) / 1000;
  log(`${label}: ${count} objects created in ${createS.toFixed(1)} s; starting the operator (--concurrency ${concurrency})`);
  sim.setRateLimit(rateLimited ? { limit: RATE, windowMs: WINDOW_MS } : undefined);
  const before = gitlab();
  const op = await operator(namespace, concurrency, nodeOptions);
  // Polled often enough not to blur the figure (each poll lists every object).
  await eventually(() => converged(namespace, count), `${label} convergence`, op, TIMEOUT_MS, count > 5000 ? 2000 : 250);
  const seconds = (Date.now() - op.startedAt) / 1000;
  const after = gitlab();
  const firstCall = sim.log.entries()[before.calls];
  const peakRssMiB = procMiB(op.child.pid, 'VmHWM');
  const rssMiB = procMiB(op.child.pid, 'VmRSS');
  await stopOperator(op);
  sim.setRateLimit(undefined);
  const calls = after.calls - before.calls;
  const throttled = after.throttled - before.throttled;
  const result = {
    objects: count,
    concurrency,
    nodeOptions: nodeOptions || "(none: Node's defaults)",
    rateLimit: rateLimited ? `${RATE} per ${WINDOW_MS / 1000} s, one PAT for all objects` : 'none',
    latencyMs: LATENCY,
    createObjectsSeconds: round(createS, 1),
    convergedSeconds: round(seconds, 1),
    firstGitlabCallSeconds: firstCall ? round((firstCall.startedAt - op.startedAt) / 1000, 1) : null,
    gitlabCalls: calls,
    gitlabWrites: after.writes - before.writes,
    throttled429: throttled,
    peakRssMiB: round(peakRssMiB, 1),
    rssAtEndMiB: round(rssMiB, 1),
  };
  if (rateLimited && freeCallsPerSecond) {
    // The simulator's window opens at the first call, which comes after the process started.
    // Every full window before the last must be waited out; the last one's calls go at the
    // operator's own unlimited speed (measured from its first call, in the same run).
    const served = calls - throttled;
    const fullWindows = Math.ceil(served / RATE) - 1;
    const tail = served - fullWindows * RATE;
    const boundS = (result.firstGitlabCallSeconds ?? 0) + fullWindows * (WINDOW_MS / 1000) + tail / freeCallsPerSecond;
    result.boundSeconds = round(boundS, 1);
    result.bound = `first call at ${result.firstGitlabCallSeconds} s + ${fullWindows} window(s) of ${WINDOW_MS / 1000} s + ${tail} calls at ${round(freeCallsPerSecond, 1)} calls/s (this run's unlimited speed)`;
    result.ratio = round(seconds / boundS, 3);
    result.ratioTarget = `<= 1.1: ${target(result.ratio <= 1.1, `ratio ${result.ratio} at ${count} objects --concurrency ${concurrency}`)}`;
  }
  log(`${label}: ${JSON.stringify(result)}`);
  return result;
}

// ---------------------------------------------------------------- 2: calls and writes per step
async function steps() {
  const namespace = 'steps';
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  const counts = { object: 0, secret: 0, pat: 0, event: 0 };
  const lastRv = new Map();
  const watches = [];
  let watching = true;
  /** A watch that resumes from the last resourceVersion it saw when the apiserver ends it. */
  const watch = async (path, kind, resourceVersion) => {
    const restart = (rv) => watching && sleep(200).then(() => watch(path, kind, rv));
    let rv = resourceVersion;
    try {
      watches.push(
        await new Watch(kc).watch(
          path,
          rv ? { resourceVersion: rv, allowWatchBookmarks: true } : { allowWatchBookmarks: true },
          (type, obj) => {
            if (obj?.metadata?.resourceVersion) rv = obj.metadata.resourceVersion;
            if (type !== 'ADDED' && type !== 'MODIFIED') return;
            const k = kind === 'secret' && obj.metadata.name === 'pat' ? 'pat' : kind;
            counts[k] += 1;
            lastRv.set(`${kind}/${obj.metadata.name}`, obj.metadata.resourceVersion);
          },
          () => restart(rv),
        ),
      );
    } catch {
      restart(rv);
    }
  };
  // The CRD may be established a moment after applyCrds returns: list until it answers.
  await eventually(
    () =>
      listObjects(namespace).then(
        () => true,
        () => false,
      ),
    'the CRD to be served',
    undefined,
    30_000,
    200,
  );
  await watch(`/apis/glkeys.io/v1alpha1/namespaces/${namespace}/gitlabdeploytokens`, 'object');
  await watch(`/api/v1/namespaces/${namespace}/secrets`, 'secret');
  await watch(`/api/v1/namespaces/${namespace}/events`, 'event');
  await core.createNamespacedSecret({ namespace, body: { metadata: { name: 'pat' }, stringData: { token: SEED_TOKENS.owner } } });
  await eventually(() => counts.pat === 1, 'the PAT Secret in the watch');
  counts.pat = 0;

  const snapshot = () => ({ ...counts, ...gitlab(), logLength: sim.log.entries().length });
  /** Waits until the watch has seen the object's and its Secret's current versions, plus a settle. */
  const settle = async (name) => {
    await sleep(750);
    const object = await custom.getNamespacedCustomObject({ ...TOKENS, namespace, name });
    const secret = await core.readNamespacedSecret({ namespace, name: `${name}-creds` });
    await eventually(
      () =>
        lastRv.get(`object/${name}`) === object.metadata.resourceVersion &&
        lastRv.get(`secret/${name}-creds`) === secret.metadata.resourceVersion,
      'the watch to catch up',
      undefined,
      30_000,
    );
    return object;
  };
  const rows = {};
  const record = (step, before, after, benchObjectWrites, n) => {
    const row =
      rows[step] ??
      (rows[step] = { samples: 0, gitlabCalls: 0, gitlabWrites: 0, objectWrites: 0, secretWrites: 0, eventWrites: 0, patSecretWrites: 0 });
    row.samples += n;
    row.routes ??= {};
    for (const e of sim.log.entries().slice(before.logLength))
      row.routes[`${e.route} ${e.status}`] = (row.routes[`${e.route} ${e.status}`] ?? 0) + 1;
    row.gitlabCalls += after.calls - before.calls;
    row.gitlabWrites += after.writes - before.writes;
    row.objectWrites += after.object - before.object - benchObjectWrites;
    row.secretWrites += after.secret - before.secret;
    row.eventWrites += after.event - before.event;
    row.patSecretWrites += after.pat - before.pat;
  };
  const live = (uid) => liveByOwner().get(keyOf(uid)) ?? 0;

  let op = await operator(namespace, CONCURRENCY[0]);
  const objects = [];
  for (let i = 0; i < STEP_OBJECTS; i += 1) {
    const before = snapshot();
    const name = `s${i}`;
    await custom.createNamespacedCustomObject({ ...TOKENS, namespace, body: body(namespace, name) });
    await eventually(
      async () => {
        const o = await custom.getNamespacedCustomObject({ ...TOKENS, namespace, name });
        return isReady(o) && live(o.metadata.uid) === 1;
      },
      `${name} Ready`,
      op,
    );
    objects.push(await settle(name));
    record('create', before, snapshot(), 1, 1);
  }
  for (const [i, object] of objects.entries()) {
    const name = object.metadata.name;
    const before = snapshot();
    const reconciled = await reconciles(op);
    await custom.patchNamespacedCustomObject({
      ...TOKENS,
      namespace,
      name,
      body: [{ op: 'add', path: '/metadata/annotations', value: { 'bench.glkeys.io/poke': String(i) } }],
    });
    await eventually(async () => (await reconciles(op)) > reconciled, `${name} reconciled after the annotation`, op);
    await settle(name);
    record('noopAnnotation', before, snapshot(), 1, 1);
  }
  // A restart lists every object again and reconciles each, as a resync does.
  await stopOperator(op);
  {
    const before = snapshot();
    op = await operator(namespace, CONCURRENCY[0]);
    await eventually(async () => (await reconciles(op)) >= STEP_OBJECTS, 'every object reconciled after a restart', op);
    for (const object of objects) await settle(object.metadata.name);
    record('noopRestart', before, snapshot(), 0, STEP_OBJECTS);
  }
  for (const object of objects) {
    const name = object.metadata.name;
    const before = snapshot();
    const scopes = ['read_repository', 'read_registry'];
    await custom.patchNamespacedCustomObject({
      ...TOKENS,
      namespace,
      name,
      body: [{ op: 'replace', path: '/spec/scopes', value: scopes }],
    });
    await eventually(
      async () => {
        const o = await custom.getNamespacedCustomObject({ ...TOKENS, namespace, name });
        return (
          isReady(o) &&
          o.status.observedGeneration === object.metadata.generation + 1 &&
          o.status.credential.id !== object.status.credential.id &&
          live(o.metadata.uid) === 1
        );
      },
      `${name} rotated`,
      op,
    );
    await settle(name);
    record('rotation', before, snapshot(), 1, 1);
  }
  await stopOperator(op);
  watching = false;
  for (const w of watches) w.abort();
  const perStep = {};
  for (const [step, row] of Object.entries(rows)) {
    const n = row.samples;
    perStep[step] = {
      samples: n,
      gitlabCalls: round(row.gitlabCalls / n),
      gitlabWrites: round(row.gitlabWrites / n),
      kubernetesWrites: round((row.objectWrites + row.secretWrites + row.eventWrites) / n),
      objectWrites: round(row.objectWrites / n),
      secretWrites: round(row.secretWrites / n),
      eventWrites: round(row.eventWrites / n),
      patSecretWrites: row.patSecretWrites,
      gitlabRoutes: row.routes,
    };
  }
  for (const step of ['noopAnnotation', 'noopRestart']) {
    const s = perStep[step];
    s.target = `0 GitLab writes, 0 Kubernetes writes: ${target(s.gitlabWrites === 0 && s.kubernetesWrites === 0 && s.patSecretWrites === 0, `${step}: ${JSON.stringify(s)}`)}`;
  }
  perStep.create.target = `1 GitLab call: ${target(perStep.create.gitlabCalls === 1, `create: ${perStep.create.gitlabCalls} GitLab calls`)}`;
  perStep.rotation.target = `2 GitLab calls: ${target(perStep.rotation.gitlabCalls === 2, `rotation: ${perStep.rotation.gitlabCalls} GitLab calls`)}`;
  log(`steps: ${JSON.stringify(perStep)}`);
  return perStep;
}

// ---------------------------------------------------------------- 4: live tokens per object
const stats = (xs) => ({
  min: Math.min(...xs),
  mean: round(xs.reduce((a, b) => a + b, 0) / xs.length),
  max: Math.max(...xs),
  samples: xs.length,
});

async function rotationsOperator() {
  const namespace = 'rotation';
  await namespaceWithPat(namespace);
  await createObjects(namespace, ROT_OBJECTS, 'r');
  const op = await operator(namespace, CONCURRENCY[0]);
  const items = await eventually(() => converged(namespace, ROT_OBJECTS), 'rotation objects Ready', op);
  const ownerKeys = items.map((o) => keyOf(o.metadata.uid));
  const postsBefore = sim.log.count({ route: 'POST /projects/:id/deploy_tokens' });
  const samples = [];
  for (let r = 1; r <= ROTATIONS; r += 1) {
    const scopes = r % 2 ? ['read_repository', 'read_registry'] : ['read_repository'];
    await Promise.all(
      items.map((o) =>
        custom.patchNamespacedCustomObject({
          ...TOKENS,
          namespace,
          name: o.metadata.name,
          body: [{ op: 'replace', path: '/spec/scopes', value: scopes }],
        }),
      ),
    );
    const until = Date.now() + ROT_INTERVAL;
    while (Date.now() < until) {
      const live = liveByOwner();
      for (const key of ownerKeys) samples.push(live.get(key) ?? 0);
      await sleep(100);
    }
  }
  await eventually(
    async () => {
      const now = await converged(namespace, ROT_OBJECTS);
      return now && now.every((o) => o.metadata.generation === ROTATIONS + 1);
    },
    'the last rotation',
    op,
  );
  await stopOperator(op);
  const posts = sim.log.count({ route: 'POST /projects/:id/deploy_tokens' }) - postsBefore;
  return { ...stats(samples), tokensMintedPerObject: round(posts / ROT_OBJECTS) };
}

/** MODEL of ESO's protocol: every refresh POSTs a token; the one from two refreshes back is revoked MODEL_REVOKE_MS later. */
async function rotationsModel() {
  const api = `${sim.apiUrl}/projects/${projectId}/deploy_tokens`;
  const headers = { 'PRIVATE-TOKEN': SEED_TOKENS.owner, 'content-type': 'application/json' };
  const ids = Array.from({ length: ROT_OBJECTS }, () => []);
  const pending = [];
  const refresh = async (j, k) => {
    const res = await fetch(api, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name: `eso-model-o${j}-r${k}`, scopes: ['read_repository'] }),
    });
    if (res.status !== 201) throw new Error(`model POST: ${res.status}`);
    ids[j][k] = (await res.json()).id;
    const old = ids[j][k - 2];
    if (old !== undefined)
      pending.push(sleep(MODEL_REVOKE_MS).then(() => fetch(`${api}/${old}`, { method: 'DELETE', headers }).then((r) => r.arrayBuffer())));
  };
  const liveModel = () => {
    const counts = new Array(ROT_OBJECTS).fill(0);
    for (const t of sim.state.deployTokens(projectId)) {
      const m = !t.revoked && /^eso-model-o(\d+)-r/.exec(t.name);
      if (m) counts[Number(m[1])] += 1;
    }
    return counts;
  };
  // Two warm-up refreshes (before them there is no token two refreshes back), then ROTATIONS sampled ones.
  const samples = [];
  for (let k = 1; k <= ROTATIONS + 2; k += 1) {
    await Promise.all(ids.map((_, j) => refresh(j, k)));
    const until = Date.now() + ROT_INTERVAL;
    while (Date.now() < until) {
      if (k > 2) samples.push(...liveModel());
      await sleep(100);
    }
  }
  await Promise.all(pending);
  return stats(samples);
}

// ---------------------------------------------------------------- run
const started = Date.now();
const result = {
  machine: {
    cpus: os.cpus().length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAvg: os.loadavg().map((x) => round(x)),
  },
  parameters: {
    objects: OBJECTS,
    big: BIG,
    limitedObjects: LIMITED_OBJECTS,
    bin: BIN,
    nodeOptions: DEFAULT_NODE_OPTIONS,
    concurrency: CONCURRENCY,
    bigConcurrency: BIG_CONCURRENCY,
    latencyMs: LATENCY,
    rateLimitPerMinute: RATE,
    stepObjects: STEP_OBJECTS,
    rotationObjects: ROT_OBJECTS,
    rotations: ROTATIONS,
    rotationIntervalMs: ROT_INTERVAL,
    modelRevokeDelayMs: MODEL_REVOKE_MS,
    createParallelism: PARALLELISM,
  },
};
try {
  log('steps: calls and writes per create, no-op and rotation');
  result.perStep = await steps();
  result.convergence = [];
  for (const c of CONCURRENCY) {
    const free = await convergence(OBJECTS, c, false, `c${c}-free`);
    const freeCallsPerSecond = free.gitlabCalls / (free.convergedSeconds - (free.firstGitlabCallSeconds ?? 0));
    result.convergence.push(await convergence(OBJECTS, c, true, `c${c}-limited`, { freeCallsPerSecond }), free);
    if (LIMITED_OBJECTS > 0)
      result.convergence.push(await convergence(LIMITED_OBJECTS, c, true, `c${c}-limited-${LIMITED_OBJECTS}`, { freeCallsPerSecond }));
  }
  log('rotations: operator, then the ESO model');
  result.liveTokensPerObject = {
    operator: { what: `${ROTATIONS} spec-edit rotations, one every ${ROT_INTERVAL} ms, gracePeriod unset`, ...(await rotationsOperator()) },
    esoModel: {
      what: `MODEL of ESO's documented protocol (not ESO): a POST per refresh every ${ROT_INTERVAL} ms, the token from two refreshes back revoked ${MODEL_REVOKE_MS} ms later (1 min refresh and 2 min delay scaled by the same factor)`,
      ...(await rotationsModel()),
    },
  };
  if (BIG > 0) {
    log(`big: ${BIG} objects, no rate limit`);
    const big = await convergence(BIG, BIG_CONCURRENCY, false, `big-c${BIG_CONCURRENCY}`);
    big.rssTarget = `< 200 MB: ${target(big.peakRssMiB * 2 ** 20 < 200e6, `peak RSS ${big.peakRssMiB} MiB at ${BIG} objects`)}`;
    result.big = big;
    log(`big: ${BIG} objects, no rate limit, Node's default heap sizing`);
    result.bigNodeDefaults = await convergence(BIG, BIG_CONCURRENCY, false, `big-c${BIG_CONCURRENCY}-node-defaults`, { nodeOptions: '' });
  }
} catch (error) {
  failures.push(`error: ${error.message}`);
} finally {
  result.apiserverPeakRssMiB = round(procMiB(kube.pids.kubeApiserver, 'VmHWM'), 0);
  result.etcdPeakRssMiB = round(procMiB(kube.pids.etcd, 'VmHWM'), 0);
  result.totalSeconds = round((Date.now() - started) / 1000, 0);
  result.missed = failures;
  for (const child of children) child.kill('SIGKILL');
  await sim.close();
  await kube.stop();
}
console.log(JSON.stringify(result, null, 2));
// Watches and keep-alive sockets of the Kubernetes client would hold the event loop open.
process.exit(failures.length > 0 ? 1 : 0);
