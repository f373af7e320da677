/**
 * The real `glkeys-operator` bin as a child process, against kube-testenv's apiserver (with
 * kube-controller-manager) and the GitLab simulator: an object reaches Ready, a spec edit
 * rotates, a deletion revokes, probes and metrics answer, SIGTERM stops cleanly and releases the
 * Lease; with two replicas only the leader reconciles and a SIGKILLed leader is replaced within
 * the lease without a second mint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { CoordinationV1Api, CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';

const BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ns = useNamespace('e2e');
const PLURAL = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };
let sim: GitlabSim;
let projectId: number;
const children: ChildProcess[] = [];

beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
});
afterAll(() => sim.close());
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  server.close();
  return port;
}

interface Running {
  child: ChildProcess;
  logs: string[];
  metricsUrl: string;
  probesUrl: string;
}

async function operator(leaseNamespace: string, extra: string[] = []): Promise<Running> {
  const [metrics, probes] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--kubeconfig',
      testEnv().kubeconfigPath,
      '--leader-election-namespace',
      leaseNamespace,
      '--metrics-bind-address',
      `127.0.0.1:${metrics}`,
      '--health-probe-bind-address',
      `127.0.0.1:${probes}`,
      ...extra,
    ],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const logs: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => logs.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  child.stderr.on('data', (chunk: Buffer) => logs.push(chunk.toString('utf8')));
  return { child, logs, metricsUrl: `http://127.0.0.1:${metrics}/metrics`, probesUrl: `http://127.0.0.1:${probes}` };
}

async function createToken(namespace: string, name: string, spec: Record<string, unknown> = {}): Promise<void> {
  await core()
    .createNamespacedSecret({ namespace, body: { metadata: { name: `${name}-pat` }, stringData: { token: SEED_TOKENS.owner } } })
    .catch(() => undefined);
  await custom().createNamespacedCustomObject({
    ...PLURAL,
    namespace,
    body: {
      apiVersion: 'glkeys.io/v1alpha1',
      kind: 'GitlabDeployToken',
      metadata: { name, namespace },
      spec: {
        url: sim.url,
        projectID: String(projectId),
        scopes: ['read_repository'],
        auth: { token: { secretRef: { name: `${name}-pat`, key: 'token' } } },
        target: { name: `${name}-creds` },
        ...spec,
      },
    },
  });
}

async function getToken(namespace: string, name: string) {
  return (await custom().getNamespacedCustomObject({ ...PLURAL, namespace, name })) as {
    metadata: { uid: string; generation: number };
    status?: { observedGeneration?: number; credential?: { id: number }; conditions?: { type: string; status: string }[] };
  };
}

const ready = async (namespace: string, name: string, generation?: number) => {
  const object = await getToken(namespace, name).catch(() => undefined);
  const condition = object?.status?.conditions?.find((c) => c.type === 'Ready');
  return condition?.status === 'True' && (generation === undefined || object!.status!.observedGeneration === generation)
    ? object
    : undefined;
};

const marked = (uid: string) => sim.state.deployTokens(projectId).filter((t) => !t.revoked && ownerMatches(t.name, uid));

function ownerMatches(name: string, uid: string): boolean {
  return name.includes(`glkeys:${ownerKey(uid)}/`);
}

let ownerKey: (uid: string) => string;
beforeAll(async () => {
  const { ownerKeyOf } = await import('@glkeys/core');
  ownerKey = (uid) => ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`);
});

describe('glkeys-operator as a process', () => {
  it('should let a deleted namespace go: every object revokes its credential, then the namespace disappears', async () => {
    const lease = await createTestNamespace(testEnv().kubeConfig, 'lease');
    const doomed = await createTestNamespace(testEnv().kubeConfig, 'doomed-op');
    const op = await operator(lease.name);
    for (const name of ['x1', 'x2', 'x3']) await createToken(doomed.name, name);
    const objects = await Promise.all(['x1', 'x2', 'x3'].map((name) => eventually(() => ready(doomed.name, name), 60_000, op)));
    expect(objects.map((o) => marked(o.metadata.uid).length)).toEqual([1, 1, 1]);
    await core().deleteNamespace({ name: doomed.name });
    const why = async () => {
      const namespace = await core()
        .readNamespace({ name: doomed.name })
        .catch(() => undefined);
      const secrets = await core()
        .listNamespacedSecret({ namespace: doomed.name })
        .catch(() => undefined);
      const tokens = (await custom()
        .listNamespacedCustomObject({ ...PLURAL, namespace: doomed.name })
        .catch(() => undefined)) as { items?: { metadata: { name: string; finalizers?: string[] }; status?: unknown }[] } | undefined;
      return JSON.stringify({
        conditions: namespace?.status?.conditions?.map((c) => [c.type, c.status, c.message]),
        secrets: secrets?.items.map((x) => [x.metadata?.name, x.metadata?.finalizers]),
        tokens: tokens?.items?.map((x) => [x.metadata.name, x.metadata.finalizers, x.status]),
      });
    };
    const timer = setTimeout(() => void why().then((text) => console.log(`[namespace deletion] ${text}`)), 60_000);
    await eventually(
      async () =>
        (await core()
          .readNamespace({ name: doomed.name })
          .catch((e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e as Error)))) === undefined
          ? true
          : undefined,
      // kube-controller-manager retries a namespace with content left with growing backoff; on a
      // loaded machine the last pass can come a minute after the last finalizer went.
      150_000,
      op,
    );
    clearTimeout(timer);
    expect(objects.map((o) => marked(o.metadata.uid).length)).toEqual([0, 0, 0]);
  }, 240_000);

  it('should make an object Ready, rotate on a spec edit, revoke on deletion, answer probes and metrics, and stop on SIGTERM', async () => {
    const lease = await createTestNamespace(testEnv().kubeConfig, 'lease');
    const op = await operator(lease.name, ['--leader-elect']);
    await createToken(ns.name, 'app');
    const first = await eventually(() => ready(ns.name, 'app'), 60_000, op);
    expect(marked(first.metadata.uid).map((t) => t.id)).toEqual([first.status!.credential!.id]);
    const token = Buffer.from(
      (await core().readNamespacedSecret({ name: 'app-creds', namespace: ns.name })).data!.token!,
      'base64',
    ).toString('utf8');
    expect(marked(first.metadata.uid)[0]!.token).toBe(token);

    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'app',
      body: [{ op: 'replace', path: '/spec/scopes', value: ['read_repository', 'read_registry'] }],
    });
    const second = await eventually(
      async () => {
        const object = await ready(ns.name, 'app', first.metadata.generation + 1);
        return object && object.status!.credential!.id !== first.status!.credential!.id ? object : undefined;
      },
      60_000,
      op,
    );
    expect(marked(first.metadata.uid).map((t) => t.id)).toEqual([second.status!.credential!.id]);

    expect((await fetch(`${op.probesUrl}/readyz`)).status).toBe(200);
    expect((await fetch(`${op.probesUrl}/healthz`)).status).toBe(200);
    const text = await (await fetch(op.metricsUrl)).text();
    const metricsText = text;
    expect(text).toMatch(/controller_runtime_reconcile_total\{controller="gitlabdeploytoken",result="[a-z_]+"\} [1-9]/);
    expect(text).toMatch(/glkeys_credentials_created_total\{kind="GitlabDeployToken",action="created"\} 1/);
    expect(text).toMatch(/glkeys_gitlab_requests_total\{host="127\.0\.0\.1:\d+",status="201"\} [1-9]/);
    expect(text).toContain('workqueue_depth{name="gitlabdeploytoken"}');

    await custom().deleteNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'app' });
    await eventually(async () => ((await getToken(ns.name, 'app').catch(() => undefined)) === undefined ? true : undefined), 60_000, op);
    expect(marked(first.metadata.uid)).toHaveLength(0);

    op.child.kill('SIGTERM');
    const [code] = (await once(op.child, 'exit')) as [number];
    expect(code).toBe(0);
    const held = await testEnv()
      .kubeConfig.makeApiClient(CoordinationV1Api)
      .readNamespacedLease({ name: 'glkeys-operator', namespace: lease.name });
    expect(held.spec?.holderIdentity ?? '').toBe('');
    // No secret value anywhere the operator writes for people: logs, Events, status, metrics.
    const events = JSON.stringify((await core().listNamespacedEvent({ namespace: ns.name })).items);
    const statusText = JSON.stringify(second.status);
    for (const text of [op.logs.join('\n'), events, statusText, metricsText]) {
      expect(text).not.toMatch(/glpat-|gldt-|BEGIN OPENSSH/);
      expect(text).not.toContain(token);
    }
    expect(events).toMatch(/"reason":"Created"/);
    expect(events).toMatch(/"reason":"Rotated"/);
  }, 180_000);

  it('should reconcile with the leader only, and hand over within the lease after SIGKILL without a second mint', async () => {
    const lease = await createTestNamespace(testEnv().kubeConfig, 'lease');
    const a = await operator(lease.name, ['--leader-elect']);
    const leaseApi = testEnv().kubeConfig.makeApiClient(CoordinationV1Api);
    const holder = async () =>
      (await leaseApi.readNamespacedLease({ name: 'glkeys-operator', namespace: lease.name }).catch(() => undefined))?.spec?.holderIdentity;
    await eventually(async () => ((await holder()) ? true : undefined), 60_000, a);
    const b = await operator(lease.name, ['--leader-elect']);
    await createToken(ns.name, 'ha');
    const first = await eventually(() => ready(ns.name, 'ha'), 60_000, a);
    const leaderBefore = await holder();
    const [leader, follower] = a.logs.some((l) => l.includes('started leading')) ? [a, b] : [b, a];
    expect(follower.logs.some((l) => l.includes('started leading'))).toBe(false);

    leader.child.kill('SIGKILL');
    const killedAt = Date.now();
    await eventually(
      async () => ((await holder()) !== leaderBefore && follower.logs.some((l) => l.includes('started leading')) ? true : undefined),
      60_000,
      follower,
    );
    const handoverMs = Date.now() - killedAt;
    // The lease is 15 s; the follower waits it out on its own clock, then retries every 2 s.
    expect(handoverMs).toBeLessThan(40_000);
    // The new leader reconciles the object: still exactly one live token, the same one.
    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'ha',
      body: [{ op: 'add', path: '/metadata/annotations', value: { 'reconcile.glkeys.io/requestedAt': 'after-handover' } }],
    });
    await eventually(
      async () => {
        const object = (await getToken(ns.name, 'ha')) as { status?: { lastHandledReconcileAt?: string } };
        return object.status?.lastHandledReconcileAt === 'after-handover' ? true : undefined;
      },
      60_000,
      follower,
    );
    expect(marked(first.metadata.uid).map((t) => t.id)).toEqual([first.status!.credential!.id]);
    console.log(
      `[leader handover] SIGKILL to new leader in ${handoverMs} ms; live tokens for the object: ${marked(first.metadata.uid).length}`,
    );
  }, 180_000);
});

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, running: Running): Promise<T> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const value = await check();
    if (value !== undefined) return value;
    if (running.child.exitCode !== null)
      throw new Error(`operator exited (${running.child.exitCode}):\n${running.logs.slice(-20).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`condition not met in ${timeoutMs} ms; operator log tail:\n${running.logs.slice(-20).join('\n')}`);
}
