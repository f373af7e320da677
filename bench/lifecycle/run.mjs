// Lifecycle benchmark (foundation issue): GitLab calls per fresh token, per rotation and per
// no-op ensure (targets 1, 2, 0), and the time for 1,000 rotations against the simulator with
// 5 ms latency per request. Counts come from the simulator's request log, not from core.
// Usage: node lifecycle/run.mjs [--rotations 1000] [--latency-ms 5]
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CredentialLifecycle, createGitlabClient, deployTokenDriver, resolveTarget, resolveTargetRef } from '@glkeys/core';
import { SEED_PATHS, SEED_TOKENS, start } from '@glkeys/gitlab-sim';

const { values } = parseArgs({
  options: {
    rotations: { type: 'string', default: '1000' },
    'latency-ms': { type: 'string', default: '5' },
    samples: { type: 'string', default: '50' },
  },
});
const ROTATIONS = Number(values.rotations);
const LATENCY = Number(values['latency-ms']);
const SAMPLES = Number(values.samples);

// Measures glkeys' own cost: no rate limit in the way.
const sim = await start({ latencyMs: LATENCY, rateLimit: false });
const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner });
// Drivers take the numeric target; the path is resolved once here, outside every measured step.
const target = await resolveTargetRef(client, resolveTarget({ project: SEED_PATHS.project }));

function lifecycleFor(owner) {
  const store = { state: undefined };
  const lifecycle = new CredentialLifecycle({
    driver: deployTokenDriver(client, target, { scopes: ['read_repository'], expiresAfter: '30d' }),
    owner,
    name: 'bench',
    persist: async (update) => {
      store.state = update.state;
    },
  });
  return { lifecycle, store };
}

async function callsFor(step) {
  const counts = { total: 0, writes: 0 };
  for (let i = 0; i < SAMPLES; i += 1) {
    const { lifecycle, store } = lifecycleFor(`bench/${step}/${i}`);
    if (step !== 'fresh') await lifecycle.ensure(undefined);
    sim.log.clear();
    if (step === 'fresh') await lifecycle.ensure(undefined);
    if (step === 'rotation') await lifecycle.rotate(store.state);
    if (step === 'noop') await lifecycle.ensure(store.state);
    if (step === 'verify') await lifecycle.ensure(store.state, { verify: true });
    counts.total += sim.log.count();
    counts.writes += sim.log.count({ write: true });
    await lifecycle.revokeAll(store.state);
  }
  return { calls: counts.total / SAMPLES, writes: counts.writes / SAMPLES };
}

const perStep = {
  freshToken: await callsFor('fresh'),
  rotation: await callsFor('rotation'),
  noopEnsure: await callsFor('noop'),
  verifyingEnsure: await callsFor('verify'),
};

const { lifecycle, store } = lifecycleFor('bench/throughput');
await lifecycle.ensure(undefined);
sim.log.clear();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
for (let i = 0; i < ROTATIONS; i += 1) await lifecycle.rotate(store.state);
const elapsedMs = performance.now() - t0;
const throughput = {
  rotations: ROTATIONS,
  latencyMsPerRequest: LATENCY,
  gitlabCalls: sim.log.count(),
  totalSeconds: Number((elapsedMs / 1000).toFixed(2)),
  msPerRotation: Number((elapsedMs / ROTATIONS).toFixed(2)),
  floorMsPerRotation: 2 * LATENCY,
  overheadMsPerRotation: Number((elapsedMs / ROTATIONS - 2 * LATENCY).toFixed(2)),
  heapGrowthMiB: Number(((process.memoryUsage().heapUsed - heapBefore) / 2 ** 20).toFixed(1)),
  rssMiB: Number((process.memoryUsage().rss / 2 ** 20).toFixed(1)),
};
await sim.close();

const report = {
  date: new Date().toISOString(),
  node: process.version,
  perStep,
  throughput,
  targets: { freshToken: 1, rotation: 2, noopEnsureWrites: 0 },
};
console.log(JSON.stringify(report, null, 2));
const ok =
  perStep.freshToken.calls === 1 && perStep.rotation.calls === 2 && perStep.noopEnsure.calls === 0 && perStep.verifyingEnsure.writes === 0;
if (!ok) {
  console.error('lifecycle call targets missed');
  process.exit(1);
}
