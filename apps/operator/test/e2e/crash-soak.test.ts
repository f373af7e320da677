/**
 * The crash soak: the real operator process, SIGKILLed at random moments and restarted, while
 * objects are created, rotated (spec edits), verified and deleted, and GitLab fails ~30% of calls
 * (502, 503, resets, 429 with Retry-After). After convergence, with faults off: every remaining
 * object is Ready for its generation, holds exactly one live credential, that credential is the
 * one in its Secret, and no live credential carries the marker of an object that is gone.
 *
 * Size: GLKEYS_SOAK_OBJECTS (default 100) objects and GLKEYS_SOAK_KILLS (default 50) kills. CI runs
 * the defaults. The seed of the fault sequence and of the moments is fixed, so a failure repeats.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv } from '@glkeys/kube-testenv/vitest';
import { ownerKeyOf } from '@glkeys/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';

const OBJECTS = Number(process.env.GLKEYS_SOAK_OBJECTS ?? 100);
const KILLS = Number(process.env.GLKEYS_SOAK_KILLS ?? 50);
const BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const TOKENS = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };

let sim: GitlabSim;
let projectId: number;
let namespace: string;
beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  // The soak measures crashes and injected faults; GitLab.com's rate limit (the simulator's default) stays out of it.
  sim = await start({ faultSeed: 20261130, rateLimit: false });
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
  namespace = (await createTestNamespace(testEnv().kubeConfig, 'soak')).name;
});
afterAll(() => sim.close());

/** mulberry32: the moments and choices repeat from one run to the next. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function operator(): ChildProcess {
  return spawn(
    process.execPath,
    [
      BIN,
      '--kubeconfig',
      testEnv().kubeconfigPath,
      '--namespace',
      namespace,
      '--leader-election-namespace',
      namespace,
      '--metrics-bind-address',
      '0',
      '--health-probe-bind-address',
      '0',
      '--concurrency',
      '4',
      '--log-level',
      'error',
    ],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
}

interface Token {
  metadata: { name: string; uid: string; generation: number; deletionTimestamp?: string };
  spec: { scopes: string[]; target: { name: string } };
  status?: { observedGeneration?: number; credential?: { id: number }; conditions?: { type: string; status: string }[] };
}

async function listTokens(): Promise<Token[]> {
  return ((await custom().listNamespacedCustomObject({ ...TOKENS, namespace })) as { items: Token[] }).items;
}

describe('crash soak', () => {
  it(`should converge after ${KILLS} SIGKILLs with ${OBJECTS} objects and ~30% GitLab failures`, async () => {
    const rand = random(7);
    await core().createNamespacedSecret({ namespace, body: { metadata: { name: 'pat' }, stringData: { token: SEED_TOKENS.owner } } });
    sim.setFaults([
      { kind: 'status', status: 502, probability: 0.11 },
      { kind: 'status', status: 503, probability: 0.11 },
      { kind: 'reset', probability: 0.08 },
      { route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 502, when: 'after', probability: 0.1 },
      { kind: 'status', status: 429, probability: 0.05, retryAfterSeconds: 1 },
    ]);
    let child = operator();
    let kills = 0;
    let created = 0;
    let edits = 0;
    let deletes = 0;
    const killer = (async () => {
      while (kills < KILLS) {
        await sleep(300 + rand() * 1500);
        child.kill('SIGKILL');
        await once(child, 'exit');
        kills += 1;
        child = operator();
      }
    })();
    const body = (i: number) => ({
      apiVersion: 'glkeys.io/v1alpha1',
      kind: 'GitlabDeployToken',
      metadata: { name: `t${i}`, namespace },
      spec: {
        url: sim.url,
        projectID: String(projectId),
        scopes: ['read_repository'],
        gracePeriod: rand() < 0.3 ? '2s' : '0s',
        auth: { token: { secretRef: { name: 'pat', key: 'token' } } },
        target: { name: `t${i}-creds` },
      },
    });
    // Create, then edit (a spec change rotates), delete and re-create while the killer runs.
    for (let i = 0; i < OBJECTS; i += 1) {
      await custom().createNamespacedCustomObject({ ...TOKENS, namespace, body: body(i) });
      created += 1;
      if (i % 5 === 4) await sleep(50);
    }
    while (kills < KILLS) {
      const i = Math.floor(rand() * OBJECTS);
      const roll = rand();
      try {
        if (roll < 0.6) {
          const scopes = rand() < 0.5 ? ['read_repository'] : ['read_repository', 'read_registry'];
          await custom().patchNamespacedCustomObject({
            ...TOKENS,
            namespace,
            name: `t${i}`,
            body: [{ op: 'replace', path: '/spec/scopes', value: scopes }],
          });
          edits += 1;
        } else if (roll < 0.8) {
          await custom().deleteNamespacedCustomObject({ ...TOKENS, namespace, name: `t${i}` });
          deletes += 1;
        } else {
          await custom().createNamespacedCustomObject({ ...TOKENS, namespace, body: body(i) });
          created += 1;
        }
      } catch {
        // Gone already, or still terminating: the next round picks another.
      }
      await sleep(100 + rand() * 300);
    }
    await killer;
    sim.setFaults([]);

    // Convergence: every object Ready for its generation, every deleted one gone.
    const started = Date.now();
    let tokens: Token[];
    for (;;) {
      tokens = await listTokens();
      const settled = tokens.every(
        (t) =>
          !t.metadata.deletionTimestamp &&
          t.status?.observedGeneration === t.metadata.generation &&
          t.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (settled && tokens.every((t) => live(t.metadata.uid).length === 1)) break;
      if (Date.now() - started > 240_000) break;
      await sleep(1000);
    }
    child.kill('SIGTERM');
    await once(child, 'exit');
    const unsettled = tokens
      .filter(
        (t) =>
          t.metadata.deletionTimestamp ||
          t.status?.observedGeneration !== t.metadata.generation ||
          live(t.metadata.uid).length !== 1 ||
          !t.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      )
      .map((t) => ({
        name: t.metadata.name,
        deleting: !!t.metadata.deletionTimestamp,
        generation: t.metadata.generation,
        status: t.status,
        live: live(t.metadata.uid).length,
      }));
    if (unsettled.length > 0) console.log(`[crash soak] unsettled: ${JSON.stringify(unsettled.slice(0, 5), null, 1)}`);
    expect(unsettled).toEqual([]);

    const owners = new Set(tokens.map((t) => ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${t.metadata.uid}`)));
    const allLive = sim.state.deployTokens(projectId).filter((t) => !t.revoked && /glkeys:[0-9a-f]{12}\//.test(t.name));
    const strays = allLive.filter((t) => !owners.has(/glkeys:([0-9a-f]{12})\//.exec(t.name)![1]!));
    let matching = 0;
    for (const t of tokens) {
      const secret = await core().readNamespacedSecret({ name: t.spec.target.name, namespace });
      const value = Buffer.from(secret.data!.token!, 'base64').toString('utf8');
      const mine = live(t.metadata.uid);
      if (mine.length === 1 && mine[0]!.token === value && mine[0]!.id === t.status?.credential?.id) matching += 1;
    }
    const log = sim.log.entries();
    const summary = {
      objects: tokens.length,
      created,
      edits,
      deletes,
      kills,
      gitlabCalls: log.length,
      faultsInjected: log.filter((e) => e.fault !== undefined).length,
      liveMarkedTokens: allLive.length,
      strays: strays.length,
      secretsMatchingTheirOneLiveToken: matching,
      convergedInMs: Date.now() - started,
    };
    console.log(`[crash soak] ${JSON.stringify(summary)}`);
    expect(kills).toBe(KILLS);
    expect(summary.faultsInjected / summary.gitlabCalls).toBeGreaterThan(0.25);
    expect(strays).toEqual([]);
    expect(matching).toBe(tokens.length);
    expect(allLive).toHaveLength(tokens.length);
  }, 900_000);
});

function live(uid: string) {
  const key = ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`);
  return sim.state.deployTokens(projectId).filter((t) => !t.revoked && t.name.includes(`glkeys:${key}/`));
}
