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
import { ownerKeyOf } from '@glkeys/core';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyCrds } from '../../src/api/index.js';
import { DEFAULT_NODE_OPTIONS } from '../../src/node-options.js';

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

async function operator(leaseNamespace: string, extra: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Running> {
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
    { stdio: ['ignore', 'pipe', 'pipe'], env },
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

const ownerKey = (uid: string) => ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`);

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

  it('should keep a deploy key in Flux SSH format, rotate it on a key type change and delete it, run as deployed (NODE_OPTIONS)', async () => {
    const lease = await createTestNamespace(testEnv().kubeConfig, 'lease');
    const op = await operator(lease.name, [], { ...process.env, NODE_OPTIONS: DEFAULT_NODE_OPTIONS });
    const knownHosts = 'gitlab.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';
    await core().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'key-pat' }, stringData: { token: SEED_TOKENS.owner } },
    });
    const KEYS = { ...PLURAL, plural: 'gitlabdeploykeys' };
    await custom().createNamespacedCustomObject({
      ...KEYS,
      namespace: ns.name,
      body: {
        apiVersion: 'glkeys.io/v1alpha1',
        kind: 'GitlabDeployKey',
        metadata: { name: 'flux' },
        spec: {
          url: sim.url,
          projectID: String(projectId),
          knownHosts,
          key: { algorithm: 'ed25519' },
          auth: { token: { secretRef: { name: 'key-pat', key: 'token' } } },
          target: { name: 'flux-ssh' },
        },
      },
    });
    type KeyObject = {
      metadata: { uid: string; generation: number };
      status?: { observedGeneration?: number; credential?: { id: number }; conditions?: { type: string; status: string }[] };
    };
    const getKey = async () =>
      (await custom()
        .getNamespacedCustomObject({ ...KEYS, namespace: ns.name, name: 'flux' })
        .catch(() => undefined)) as KeyObject | undefined;
    const readyKey = async (generation: number) => {
      const object = await getKey();
      return object?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
        object.status.observedGeneration === generation
        ? object
        : undefined;
    };
    const registered = (uid: string) =>
      sim.state.deployKeys(projectId).filter((k) => k.title.includes(`glkeys:${ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployKey/${uid}`)}/`));
    const secretText = async () => {
      const data = (await core().readNamespacedSecret({ name: 'flux-ssh', namespace: ns.name })).data!;
      return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    };

    const first = await eventually(() => readyKey(1), 60_000, op);
    const data = await secretText();
    expect(Object.keys(data).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    expect(data.known_hosts).toBe(`${knownHosts}\n`);
    expect(data.identity).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----/);
    expect(registered(first.metadata.uid).map((k) => [k.id, k.key.split(' ').slice(0, 2).join(' ')])).toEqual([
      [first.status!.credential!.id, data['identity.pub']!.split(' ').slice(0, 2).join(' ')],
    ]);
    expect(registered(first.metadata.uid)[0]!.canPush).toBe(false);

    await custom().patchNamespacedCustomObject({
      ...KEYS,
      namespace: ns.name,
      name: 'flux',
      body: [{ op: 'replace', path: '/spec/key', value: { algorithm: 'ecdsa' } }],
    });
    const second = await eventually(() => readyKey(2), 60_000, op);
    const rotated = await secretText();
    expect(rotated['identity.pub']).toMatch(/^ecdsa-sha2-nistp384 /);
    expect(registered(first.metadata.uid).map((k) => k.id)).toEqual([second.status!.credential!.id]);

    await custom().deleteNamespacedCustomObject({ ...KEYS, namespace: ns.name, name: 'flux' });
    await eventually(async () => ((await getKey()) === undefined ? true : undefined), 60_000, op);
    expect(registered(first.metadata.uid)).toEqual([]);

    op.child.kill('SIGTERM');
    const [code] = (await once(op.child, 'exit')) as [number];
    expect(code).toBe(0);
    // NODE_OPTIONS took effect: V8's heap limit is the deployed one, not Node's default (GBs here).
    const started = op.logs.map((line) => JSON.parse(line) as { msg?: string; heapLimitMiB?: number }).find((l) => l.msg === 'started');
    expect(started?.heapLimitMiB).toBeLessThan(256);
    const events = JSON.stringify((await core().listNamespacedEvent({ namespace: ns.name })).items);
    for (const text of [op.logs.join('\n'), events, JSON.stringify(second.status)]) {
      expect(text).not.toMatch(/BEGIN OPENSSH|PRIVATE KEY/);
      for (const secret of [data.identity!, rotated.identity!]) expect(text).not.toContain(secret.split('\n')[1]);
    }
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
