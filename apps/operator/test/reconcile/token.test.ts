/**
 * The GitlabDeployToken reconcile on the real apiserver (CRDs applied from their YAML) with GitLab
 * from the simulator: GitLab calls counted from its log, Kubernetes writes from resourceVersions.
 * The reconcile is called directly here; the runtime's queue and informers are tested on their own.
 */
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ownerKeyOf } from '@glkeys/core';
import { applyCrds } from '../../src/api/index.js';
import { credentialReconciler } from '../../src/reconcilers/credential-reconciler.js';
import { deployTokenKind } from '../../src/reconcilers/kinds.js';
import { ConfigMapOrphanRecorder } from '../../src/reconcilers/orphans.js';
import { testDeps } from '../support/reconcile.js';

const ns = useNamespace('rec');
let sim: GitlabSim;
let projectId: number;
beforeAll(async () => {
  await applyCrds(testEnv().kubeConfig);
  sim = await start();
  projectId = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
});
afterAll(() => sim.close());

const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const custom = () => testEnv().kubeConfig.makeApiClient(CustomObjectsApi);
const signal = new AbortController().signal;
const PLURAL = { group: 'glkeys.io', version: 'v1alpha1', plural: 'gitlabdeploytokens' };

function reconciler(options: { giveUpMs?: number; now?: () => Date } = {}) {
  return credentialReconciler(
    deployTokenKind,
    testDeps({
      orphans: new ConfigMapOrphanRecorder(testEnv().kubeConfig, ns.name),
      ...(options.giveUpMs === undefined ? {} : { revokeGiveUpAfterMs: options.giveUpMs }),
      ...(options.now ? { now: options.now } : {}),
    }),
  );
}

async function setUp(namespace: string, spec: Record<string, unknown> = {}, name = 'pull') {
  await core().createNamespacedSecret({ namespace, body: { metadata: { name: 'gitlab-pat' }, stringData: { token: SEED_TOKENS.owner } } });
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
        auth: { token: { secretRef: { name: 'gitlab-pat', key: 'token' } } },
        target: { name: `${name}-secret` },
        ...spec,
      },
    },
  });
  return `${namespace}/${name}`;
}

async function getObject(namespace: string, name = 'pull') {
  return (await custom().getNamespacedCustomObject({ ...PLURAL, namespace, name })) as {
    metadata: { resourceVersion: string; uid: string; finalizers?: string[] };
    status?: Record<string, any>;
  };
}

/** Live tokens carrying the marker of the object `namespace/name` (as it is now). */
async function liveMarked(namespace: string, name = 'pull') {
  const uid = (await getObject(namespace, name)).metadata.uid;
  return liveOf(uid);
}
const liveOf = (uid: string) =>
  sim.state
    .deployTokens(projectId)
    .filter((t) => !t.revoked && t.name.includes(`glkeys:${ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`)}/`));

describe('GitlabDeployToken reconcile', () => {
  it('should mint once, report Ready with the credential, then do nothing on a no-op reconcile (0 GitLab writes, 0 Kubernetes writes)', async () => {
    const key = await setUp(ns.name);
    const reconcile = reconciler();
    sim.log.clear();
    const first = await reconcile(key, { signal });
    expect(sim.log.count({ write: true })).toBe(1);
    const object = await getObject(ns.name);
    expect(object.metadata.finalizers).toEqual(['glkeys.io/revoke']);
    expect(object.status?.conditions?.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      status: 'True',
      reason: 'CredentialReady',
    });
    const secret = await core().readNamespacedSecret({ name: 'pull-secret', namespace: ns.name });
    const token = Buffer.from(secret.data!.token!, 'base64').toString('utf8');
    expect((await liveMarked(ns.name)).map((t) => [t.id, t.token])).toEqual([[object.status!.credential.id, token]]);
    expect(secret.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'GitlabDeployToken', name: 'pull', controller: true });
    expect((await core().readNamespacedSecret({ name: 'gitlab-pat', namespace: ns.name })).metadata?.finalizers).toEqual([
      'glkeys.io/auth-in-use',
    ]);
    expect(first.requeueAfterMs).toBeGreaterThan(0);

    const versions = async () => [
      (await getObject(ns.name)).metadata.resourceVersion,
      (await core().readNamespacedSecret({ name: 'pull-secret', namespace: ns.name })).metadata?.resourceVersion,
    ];
    const before = await versions();
    sim.log.clear();
    await reconcile(key, { signal });
    expect([sim.log.count(), sim.log.count({ write: true })]).toEqual([0, 0]);
    expect(await versions()).toEqual(before);
  });

  it('should rotate at once when the spec changes, leaving exactly one live token', async () => {
    const key = await setUp(ns.name);
    const reconcile = reconciler();
    await reconcile(key, { signal });
    const first = (await getObject(ns.name)).status!.credential.id;
    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'pull',
      body: [{ op: 'replace', path: '/spec/scopes', value: ['read_repository', 'read_registry'] }],
    });
    await reconcile(key, { signal });
    const status = (await getObject(ns.name)).status!;
    expect(status.credential.id).not.toBe(first);
    expect(status.lastRotation).toBeDefined();
    expect((await liveMarked(ns.name)).map((t) => t.id)).toEqual([status.credential.id]);
  });

  it('should report a missing auth Secret as Stalled with 0 GitLab calls, look again with backoff, and go on once it exists', async () => {
    const key = await setUp(ns.name, { auth: { token: { secretRef: { name: 'absent', key: 'token' } } } });
    const reconcile = reconciler();
    sim.log.clear();
    // Its creation sends no event (only labelled Secrets are watched): the reconcile asks to look again.
    expect(await reconcile(key, { signal })).toEqual({ requeueAfterMs: 10_000 });
    expect(await reconcile(key, { signal })).toEqual({ requeueAfterMs: 20_000 });
    expect(sim.log.count()).toBe(0);
    const conditions = (await getObject(ns.name)).status!.conditions.map((c: { type: string; status: string; reason: string }) => [
      c.type,
      c.status,
      c.reason,
    ]);
    expect(conditions).toEqual([
      ['Ready', 'False', 'AuthSecretNotFound'],
      ['Stalled', 'True', 'AuthSecretNotFound'],
    ]);

    await core().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'absent' }, stringData: { token: SEED_TOKENS.owner } },
    });
    expect((await reconcile(key, { signal })).requeueAfterMs).toBeGreaterThan(600_000); // Ready: next look at the verify interval
    expect((await getObject(ns.name)).status!.conditions.find((c: { type: string }) => c.type === 'Ready').status).toBe('True');
  });

  it('should revoke everything on deletion, remove its finalizer and release the auth Secret', async () => {
    const key = await setUp(ns.name, { gracePeriod: '1h' });
    const reconcile = reconciler();
    await reconcile(key, { signal });
    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'pull',
      body: [{ op: 'replace', path: '/spec/scopes', value: ['read_registry'] }],
    });
    await reconcile(key, { signal });
    const uid = (await getObject(ns.name)).metadata.uid;
    expect(liveOf(uid)).toHaveLength(2);
    await custom().deleteNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'pull' });
    await reconcile(key, { signal });
    expect(liveOf(uid)).toHaveLength(0);
    await expect(getObject(ns.name)).rejects.toMatchObject({ code: 404 });
    expect((await core().readNamespacedSecret({ name: 'gitlab-pat', namespace: ns.name })).metadata?.finalizers ?? []).toEqual([]);
  });

  it('should never hang a deleted namespace: the auth Secret outlives the object, which revokes, then everything goes', async () => {
    const doomed = await createTestNamespace(testEnv().kubeConfig, 'doomed-rec');
    const key = await setUp(doomed.name);
    const reconcile = reconciler();
    await reconcile(key, { signal });
    const uid = (await getObject(doomed.name)).metadata.uid;
    expect(liveOf(uid)).toHaveLength(1);
    await core().deleteNamespace({ name: doomed.name });
    // What the controller would do on the object's update events: reconcile until it is gone.
    await waitFor(async () => {
      await reconcile(key, { signal }).catch(() => undefined);
      return (
        (await core()
          .readNamespace({ name: doomed.name })
          .catch((e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e as Error)))) === undefined
      );
    }, 90_000);
    expect(liveOf(uid)).toHaveLength(0);
  }, 120_000);

  it('should give up revoking after the bound when the PAT no longer works, record it, and let the object go', async () => {
    const key = await setUp(ns.name);
    let now = new Date();
    const reconcile = reconciler({ giveUpMs: 60_000, now: () => now });
    await reconcile(key, { signal });
    const id = (await getObject(ns.name)).status!.credential.id;
    await core().replaceNamespacedSecret({
      name: 'gitlab-pat',
      namespace: ns.name,
      body: {
        metadata: { name: 'gitlab-pat', finalizers: ['glkeys.io/auth-in-use'], labels: { 'glkeys.io/auth': 'true' } },
        stringData: { token: 'glpat-revoked-000000000000' },
      },
    });
    await custom().deleteNamespacedCustomObject({ ...PLURAL, namespace: ns.name, name: 'pull' });
    await expect(reconcile(key, { signal })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await getObject(ns.name)).status!.conditions.find((c: { type: string }) => c.type === 'Ready')).toMatchObject({
      reason: 'RevokeFailed',
    });
    now = new Date(now.getTime() + 120_000);
    await reconcile(key, { signal });
    await expect(getObject(ns.name)).rejects.toMatchObject({ code: 404 });
    const record = await new ConfigMapOrphanRecorder(testEnv().kubeConfig, ns.name).list();
    expect(record).toEqual([
      expect.objectContaining({ kind: 'GitlabDeployToken', name: 'pull', credentialIds: [id], reason: 'revocation refused' }),
    ]);
    expect(JSON.stringify(record)).not.toContain('glpat-');
    const events = await core().listNamespacedEvent({ namespace: ns.name });
    expect(events.items.map((e) => e.reason)).toEqual(expect.arrayContaining(['Created', 'RevokeFailed', 'RevokeAbandoned']));
    expect(JSON.stringify(events.items.map((e) => e.message))).not.toMatch(/glpat-|gldt-/);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('condition not met in time');
}

describe('GitlabDeployToken reconcile: the consumer side and GitLab side drift', () => {
  it('should re-create a deleted target Secret with a fresh token and revoke the old one', async () => {
    const key = await setUp(ns.name);
    const reconcile = reconciler();
    await reconcile(key, { signal });
    const uid = (await getObject(ns.name)).metadata.uid;
    const first = liveOf(uid).map((t) => t.id);
    await core().deleteNamespacedSecret({ name: 'pull-secret', namespace: ns.name });
    await reconcile(key, { signal });
    const now = liveOf(uid);
    expect(now).toHaveLength(1);
    expect(now[0]!.id).not.toBe(first[0]);
    expect(
      Buffer.from((await core().readNamespacedSecret({ name: 'pull-secret', namespace: ns.name })).data!.token!, 'base64').toString('utf8'),
    ).toBe(now[0]!.token);
  });

  it('should replace a token revoked in GitLab once the verify interval has passed', async () => {
    let now = new Date('2026-12-01T00:00:00Z');
    const key = await setUp(ns.name, { verifyInterval: '10m' });
    const reconcile = reconciler({ now: () => now });
    await reconcile(key, { signal });
    const uid = (await getObject(ns.name)).metadata.uid;
    const revoked = liveOf(uid)[0]!.id;
    sim.state.revokeDeployToken(revoked);
    sim.log.clear();
    now = new Date('2026-12-01T00:05:00Z');
    await reconcile(key, { signal });
    // Within the interval: not asked again, nothing replaced yet.
    expect(sim.log.count()).toBe(0);
    now = new Date('2026-12-01T00:10:01Z');
    await reconcile(key, { signal });
    const replaced = liveOf(uid);
    expect(replaced).toHaveLength(1);
    expect(replaced[0]!.id).not.toBe(revoked);
    expect((await getObject(ns.name)).status!.credential.id).toBe(replaced[0]!.id);
  });

  it('should revoke everything on the old project when projectID changes, and mint on the new one', async () => {
    const other = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.otherProject)!.id;
    const key = await setUp(ns.name);
    const reconcile = reconciler();
    await reconcile(key, { signal });
    const uid = (await getObject(ns.name)).metadata.uid;
    expect(liveOf(uid)).toHaveLength(1);
    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'pull',
      body: [{ op: 'replace', path: '/spec/projectID', value: String(other) }],
    });
    await reconcile(key, { signal });
    expect(liveOf(uid)).toHaveLength(0);
    const marker = `glkeys:${ownerKeyOf(`glkeys.io/v1alpha1/GitlabDeployToken/${uid}`)}/`;
    expect(sim.state.deployTokens(other).filter((t) => !t.revoked && t.name.includes(marker))).toHaveLength(1);
  });

  it('should use a rotated PAT on the next reconcile (an expired one is refused, a fresh one works again)', async () => {
    const key = await setUp(ns.name);
    const reconcile = reconciler();
    await reconcile(key, { signal });
    const setPat = (token: string) =>
      core().patchNamespacedSecret({
        name: 'gitlab-pat',
        namespace: ns.name,
        body: [{ op: 'replace', path: '/data/token', value: Buffer.from(token).toString('base64') }],
      });
    await setPat(SEED_TOKENS.expired);
    await custom().patchNamespacedCustomObject({
      ...PLURAL,
      namespace: ns.name,
      name: 'pull',
      body: [{ op: 'replace', path: '/spec/scopes', value: ['read_registry'] }],
    });
    sim.log.clear();
    expect(await reconcile(key, { signal })).toEqual({});
    // GitLab refused the expired token (401): nothing was created.
    expect(
      sim.log
        .entries()
        .filter((e) => e.method !== 'GET')
        .map((e) => e.status),
    ).toEqual([401]);
    expect((await getObject(ns.name)).status!.conditions.find((c: { type: string }) => c.type === 'Stalled')).toMatchObject({
      status: 'True',
    });
    await setPat(SEED_TOKENS.maintainer);
    await reconcile(key, { signal });
    expect((await getObject(ns.name)).status!.conditions.map((c: { type: string; status: string }) => [c.type, c.status])).toEqual([
      ['Ready', 'True'],
    ]);
  });
});
