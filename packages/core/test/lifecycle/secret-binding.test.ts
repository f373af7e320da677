/**
 * The Secret binding under a controller's conditions, on a real apiserver (kube-testenv, with
 * kube-controller-manager) and the GitLab simulator: every format through the apiserver, two
 * writers on one read, a target change, a spec change, a foreign state, a terminating namespace.
 * GitLab calls are counted from the simulator's log, Kubernetes writes from the store.
 */
import { SEED_PATHS, type GitlabSim } from '@glkeys/gitlab-sim';
import { CoreV1Api } from '@kubernetes/client-node';
import { createTestNamespace, testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubernetesSecretStore } from '../../src/kubernetes/index.js';
import {
  ConflictError,
  ForeignStateError,
  LifecycleError,
  deployKeyToSecret,
  deployTokenToSecret,
  parseStateAnnotation,
  resolveTarget,
  resolveTargetRef,
  revokeCredentialSecret,
  type DeployTokenSecretInput,
  type LifecycleState,
  type SecretStore,
  type TargetRef,
} from '../../src/index.js';
import { ownerKeyOf } from '../../src/lifecycle/owner-marker.js';
import { liveTokens, startSim, type SimClient } from '../support/sim.js';

const ns = useNamespace('binding');
let env: SimClient;
let web: TargetRef;
let api: TargetRef;
beforeAll(async () => {
  env = await startSim();
  web = await resolveTargetRef(env.client, resolveTarget({ project: SEED_PATHS.project }));
  api = await resolveTargetRef(env.client, resolveTarget({ project: SEED_PATHS.otherProject }));
});
afterAll(() => env.sim.close());

const KNOWN_HOSTS = 'gitlab.example.com ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl';

function store(name = 'creds', namespace = ns.name): KubernetesSecretStore {
  return new KubernetesSecretStore(testEnv().kubeConfig, namespace, name);
}

function tokenInput(over: Partial<DeployTokenSecretInput> = {}): DeployTokenSecretInput {
  return {
    client: env.client,
    store: store(),
    secret: { namespace: ns.name, name: 'creds' },
    owner: `test/${ns.name}/creds`,
    name: 'binding-test',
    target: { kind: 'project', ref: { kind: 'id', id: web.id } },
    spec: { scopes: ['read_repository'] },
    format: 'token',
    ...over,
  };
}

const live = (sim: GitlabSim, target: TargetRef, owner: string) => liveTokens(sim, target.id, ownerKeyOf(owner));
const decoded = (data: Record<string, string> | undefined, key: string) => Buffer.from(data?.[key] ?? '', 'base64').toString('utf8');

async function readSecret(name = 'creds', namespace = ns.name) {
  return testEnv().kubeConfig.makeApiClient(CoreV1Api).readNamespacedSecret({ name, namespace });
}

describe('every Secret format through the binding, on the apiserver', () => {
  it.each([
    ['token', 'Opaque', ['token', 'username']],
    ['flux-https', 'Opaque', ['password', 'username']],
    ['dockerconfigjson', 'kubernetes.io/dockerconfigjson', ['.dockerconfigjson']],
  ])('should write format %s as type %s from the first write, in 2 Kubernetes writes and 1 GitLab call', async (format, type, keys) => {
    env.sim.log.clear();
    const s = store();
    const out = await deployTokenToSecret(tokenInput({ store: s, format, render: { registryHost: 'registry.example.com' } }));
    expect(out.result.action).toBe('created');
    expect(env.sim.log.count()).toBe(1);
    expect(s.writes).toBe(2);
    const secret = await readSecret();
    expect(secret.type).toBe(type);
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(keys);
    const value =
      format === 'dockerconfigjson'
        ? JSON.parse(decoded(secret.data, '.dockerconfigjson')).auths['registry.example.com'].password
        : decoded(secret.data, format === 'token' ? 'token' : 'password');
    expect(value).toMatch(/^gldt-/);
    const state = parseStateAnnotation(secret.metadata?.annotations) as LifecycleState;
    expect(state).toMatchObject({ version: 2, current: { id: out.credential!.id, target: web } });
    // A verifying re-run: 1 GET, 0 GitLab writes, 0 Kubernetes writes.
    env.sim.log.clear();
    const again = await deployTokenToSecret(tokenInput({ store: s, format, render: { registryHost: 'registry.example.com' } }));
    expect(again.result.action).toBe('kept');
    expect([env.sim.log.count(), env.sim.log.count({ write: true }), again.writes]).toEqual([1, 0, 0]);
  });

  it('should write a deploy key in Flux SSH format (identity, identity.pub, known_hosts) with its expiry', async () => {
    const expiresAt = new Date(Date.now() + 40 * 86_400_000).toISOString();
    const out = await deployKeyToSecret({
      client: env.client,
      store: store('ssh'),
      secret: { namespace: ns.name, name: 'ssh' },
      owner: `test/${ns.name}/ssh`,
      name: 'binding-key',
      target: { kind: 'project', ref: { kind: 'id', id: web.id } },
      spec: { algorithm: 'ed25519', expiresAt },
      knownHosts: KNOWN_HOSTS,
    });
    const secret = await readSecret('ssh');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    expect(decoded(secret.data, 'identity')).toContain('BEGIN OPENSSH PRIVATE KEY');
    const key = env.sim.state.deployKeys(web.id).find((k) => k.id === out.credential!.id)!;
    expect(key.expiresAt).toBe(expiresAt);
    expect(out.credential!.fingerprintSha256).toBe(key.fingerprintSha256);
  });
});

/** A store whose reads wait until `parties` reads happened: every writer acts on the same read. */
function sharedRead(
  inner: SecretStore,
  barrier: { parties: number; arrived: number; release?: () => void; gate: Promise<void> },
): SecretStore {
  return {
    read: async (options) => {
      const value = await inner.read(options);
      barrier.arrived += 1;
      if (barrier.arrived >= barrier.parties) barrier.release!();
      await barrier.gate;
      return value;
    },
    write: (manifest, precondition, options) => inner.write(manifest, precondition, options),
  };
}

function barrierOf(parties: number) {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return { parties, arrived: 0, release, gate };
}

describe('two writers acting on one read', () => {
  it('should leave exactly one live token when both create at once, the loser stopped by a ConflictError', async () => {
    const owner = `test/${ns.name}/creds`;
    const barrier = barrierOf(2);
    const runs = await Promise.allSettled([0, 1].map(() => deployTokenToSecret(tokenInput({ store: sharedRead(store(), barrier) }))));
    const failed = runs.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect((failed[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    expect(live(env.sim, web, owner)).toHaveLength(1);
    const next = await deployTokenToSecret(tokenInput());
    expect(next.result).toMatchObject({ action: 'kept', settled: true });
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([next.credential!.id]);
  });

  it('should leave exactly one live token when both rotate from the same state', async () => {
    const owner = `test/${ns.name}/creds`;
    await deployTokenToSecret(tokenInput());
    const barrier = barrierOf(2);
    const runs = await Promise.allSettled(
      [0, 1].map(() => deployTokenToSecret(tokenInput({ store: sharedRead(store(), barrier), mode: 'rotate' }))),
    );
    expect(runs.filter((r) => r.status === 'rejected').map((r) => r.reason)).toEqual([expect.any(ConflictError)]);
    const next = await deployTokenToSecret(tokenInput());
    expect(next.result).toMatchObject({ action: 'kept', settled: true });
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([next.credential!.id]);
  });
});

describe('the state remembers what a credential was minted for', () => {
  it('should treat a path and the ID of one project as the same target (no new credential)', async () => {
    const first = await deployTokenToSecret(tokenInput());
    const byPath = await deployTokenToSecret(tokenInput({ target: resolveTarget({ project: SEED_PATHS.project }) }));
    expect(byPath.result.action).toBe('kept');
    expect(byPath.credential!.id).toBe(first.credential!.id);
  });

  it('should revoke everything on the old target and mint on the new one when the target changes', async () => {
    const owner = `test/${ns.name}/creds`;
    await deployTokenToSecret(tokenInput({ graceMs: 3_600_000 }));
    await deployTokenToSecret(tokenInput({ graceMs: 3_600_000, mode: 'rotate' }));
    expect(live(env.sim, web, owner)).toHaveLength(2);
    const moved = await deployTokenToSecret(
      tokenInput({ graceMs: 3_600_000, target: { kind: 'project', ref: { kind: 'id', id: api.id } } }),
    );
    expect(moved.result).toMatchObject({ action: 'rotated', reason: 'target-changed', settled: true });
    expect(moved.result.revoked).toHaveLength(2);
    expect(live(env.sim, web, owner)).toHaveLength(0);
    expect(live(env.sim, api, owner).map((t) => t.id)).toEqual([moved.credential!.id]);
  });

  it.each([
    ['scopes', { spec: { scopes: ['read_repository', 'read_registry'] } }],
    ['username', { spec: { scopes: ['read_repository'], username: 'flux-reader' } }],
    ['expiry policy', { spec: { scopes: ['read_repository'], expiresAfter: '30d' } }],
    ['format', { format: 'flux-https' }],
  ] as const)('should rotate when the %s changes, leaving one live token', async (_what, change) => {
    const owner = `test/${ns.name}/creds`;
    const first = await deployTokenToSecret(tokenInput());
    const changed = await deployTokenToSecret(tokenInput(change));
    expect(changed.result).toMatchObject({ action: 'rotated', reason: 'spec-changed', revoked: [first.credential!.id] });
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([changed.credential!.id]);
    expect((await deployTokenToSecret(tokenInput(change as Partial<DeployTokenSecretInput>))).result.action).toBe('kept');
  });

  it('should rotate a deploy key when can_push changes', async () => {
    const input = {
      client: env.client,
      store: store('key'),
      secret: { namespace: ns.name, name: 'key' },
      owner: `test/${ns.name}/key`,
      name: 'k',
      target: { kind: 'project' as const, ref: { kind: 'id' as const, id: web.id } },
      knownHosts: KNOWN_HOSTS,
    };
    const first = await deployKeyToSecret({ ...input, spec: { algorithm: 'ed25519' } });
    const pushing = await deployKeyToSecret({ ...input, spec: { algorithm: 'ed25519', canPush: true } });
    expect(pushing.result).toMatchObject({ action: 'rotated', reason: 'spec-changed', revoked: [first.credential!.id] });
    expect(env.sim.state.deployKeys(web.id).find((k) => k.id === pushing.credential!.id)?.canPush).toBe(true);
  });

  it('should replace a credential whose Secret data was edited, and revoke the old one', async () => {
    const owner = `test/${ns.name}/creds`;
    const first = await deployTokenToSecret(tokenInput());
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    await core.patchNamespacedSecret({
      name: 'creds',
      namespace: ns.name,
      body: [{ op: 'replace', path: '/data/token', value: Buffer.from('edited').toString('base64') }],
    });
    const repaired = await deployTokenToSecret(tokenInput());
    expect(repaired.result).toMatchObject({ action: 'repaired', reason: 'consumer-damaged', revoked: [first.credential!.id] });
    expect(decoded((await readSecret()).data, 'token')).toMatch(/^gldt-/);
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([repaired.credential!.id]);
  });
});

describe("another owner, another type, another writer's data", () => {
  it('should refuse a state of another owner with 0 GitLab calls, and take it over only when asked', async () => {
    const mine = await deployTokenToSecret(tokenInput({ owner: 'owner-a' }));
    env.sim.log.clear();
    const refused = await deployTokenToSecret(tokenInput({ owner: 'owner-b' })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ForeignStateError);
    expect(env.sim.log.count()).toBe(0);
    const taken = await deployTokenToSecret(tokenInput({ owner: 'owner-b', takeOver: true }));
    expect(taken.result.replacedOwner).toMatchObject({ ownerKey: ownerKeyOf('owner-a'), revoked: [mine.credential!.id] });
    expect(live(env.sim, web, 'owner-a')).toHaveLength(0);
    expect(live(env.sim, web, 'owner-b').map((t) => t.id)).toEqual([taken.credential!.id]);
  });

  it('should not mint forever when two owners name one Secret: the second is refused every time', async () => {
    await deployTokenToSecret(tokenInput({ owner: 'first' }));
    for (let i = 0; i < 6; i += 1)
      await expect(deployTokenToSecret(tokenInput({ owner: 'second' }))).rejects.toBeInstanceOf(ForeignStateError);
    expect(live(env.sim, web, 'first')).toHaveLength(1);
    expect(live(env.sim, web, 'second')).toHaveLength(0);
  });

  it('should refuse a Secret of another type, and one holding data glkeys did not write, with 0 GitLab calls', async () => {
    const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'basic' }, type: 'kubernetes.io/basic-auth', stringData: { username: 'u', password: 'p' } },
    });
    await core.createNamespacedSecret({ namespace: ns.name, body: { metadata: { name: 'handmade' }, stringData: { token: 'keep-me' } } });
    env.sim.log.clear();
    const wrongType = await deployTokenToSecret(tokenInput({ store: store('basic'), secret: { namespace: ns.name, name: 'basic' } })).catch(
      (e: unknown) => e,
    );
    expect(wrongType).toBeInstanceOf(LifecycleError);
    expect((wrongType as Error).message).toMatch(/type kubernetes.io\/basic-auth.*cannot change/);
    await expect(
      deployTokenToSecret(tokenInput({ store: store('handmade'), secret: { namespace: ns.name, name: 'handmade' } })),
    ).rejects.toBeInstanceOf(ForeignStateError);
    expect(env.sim.log.count()).toBe(0);
    expect(decoded((await readSecret('handmade')).data, 'token')).toBe('keep-me');
  });
});

describe('bad input is refused before any GitLab call', () => {
  it.each([
    ['format', { format: 'yaml' }, 'format'],
    ['flux-ssh for a token', { format: 'flux-ssh' }, 'format'],
    ['dockerconfigjson without a registry host', { format: 'dockerconfigjson' }, 'registryHost'],
    ['registry host with a path', { format: 'dockerconfigjson', render: { registryHost: 'registry.example.com/v2' } }, 'registryHost'],
    ['scope', { spec: { scopes: ['write_everything'] } }, 'scopes'],
    [
      'virtual registry scope on a group',
      { target: { kind: 'group', ref: { kind: 'id', id: 1 } }, spec: { scopes: ['read_virtual_registry'] } },
      'scopes',
    ],
    ['past expiry', { spec: { scopes: ['read_repository'], expiresAt: '2020-01-01' } }, 'expiresAt'],
    ['expiry twice', { spec: { scopes: ['read_repository'], expiresAt: '2099-01-01', expiresAfter: '3d' } }, 'expiresAt'],
    ['username', { spec: { scopes: ['read_repository'], username: 'has space' } }, 'username'],
    ['name', { name: 'line\nbreak' }, 'name'],
    ['secret name', { secret: { namespace: 'ok', name: 'Not_A_DNS_Name' } }, 'secret.name'],
    ['namespace', { secret: { namespace: 'UPPER', name: 'ok' } }, 'secret.namespace'],
  ] as const)('%s', async (_what, change, field) => {
    env.sim.log.clear();
    await expect(deployTokenToSecret(tokenInput(change as Partial<DeployTokenSecretInput>))).rejects.toMatchObject({
      code: 'VALIDATION',
      field,
    });
    expect(env.sim.log.count()).toBe(0);
  });

  it.each([
    ['empty known_hosts', { knownHosts: ' ' }, 'knownHosts'],
    ['a group', { target: { kind: 'group', ref: { kind: 'id', id: 1 } } }, 'target'],
    ['past expiry', { spec: { expiresAt: '2020-01-01' } }, 'expiresAt'],
  ] as const)('deploy key: %s', async (_what, change, field) => {
    env.sim.log.clear();
    const input = {
      client: env.client,
      store: store('k'),
      secret: { namespace: ns.name, name: 'k' },
      owner: 'o',
      name: 'k',
      target: { kind: 'project' as const, ref: { kind: 'id' as const, id: web.id } },
      spec: {},
      knownHosts: KNOWN_HOSTS,
      ...change,
    };
    await expect(deployKeyToSecret(input as never)).rejects.toMatchObject({ code: 'VALIDATION', field });
    expect(env.sim.log.count()).toBe(0);
  });
});

describe('revoking never needs the Secret', () => {
  it('should revoke in a terminating namespace without writing, and let the namespace go away', async () => {
    const kc = testEnv().kubeConfig;
    const core = kc.makeApiClient(CoreV1Api);
    const doomed = await createTestNamespace(kc, 'doomed');
    const owner = `test/${doomed.name}/creds`;
    const input = { ...tokenInput({ store: store('creds', doomed.name), secret: { namespace: doomed.name, name: 'creds' }, owner }) };
    await deployTokenToSecret(input);
    await deployTokenToSecret({ ...input, mode: 'rotate', graceMs: 3_600_000 });
    expect(live(env.sim, web, owner)).toHaveLength(2);
    // A finalizer keeps the Secret (and so the namespace) while the credential is revoked.
    await core.patchNamespacedSecret({
      name: 'creds',
      namespace: doomed.name,
      body: [{ op: 'add', path: '/metadata/finalizers', value: ['glkeys.io/test'] }],
    });
    await core.deleteNamespace({ name: doomed.name });
    await waitFor(async () => (await core.readNamespace({ name: doomed.name })).status?.phase === 'Terminating');
    const s = store('creds', doomed.name);
    const out = await revokeCredentialSecret({ ...input, store: s, kind: 'deploy-token', persist: false });
    expect(out.result.revoked).toHaveLength(2);
    expect(s.writes).toBe(0);
    expect(live(env.sim, web, owner)).toHaveLength(0);
    await core.patchNamespacedSecret({ name: 'creds', namespace: doomed.name, body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    await waitFor(
      async () =>
        (await core
          .readNamespace({ name: doomed.name })
          .catch((e: { code?: number }) => (e.code === 404 ? undefined : Promise.reject(e as Error)))) === undefined,
    );
  }, 120_000);

  it('should revoke by marker when the Secret is already gone', async () => {
    const owner = `test/${ns.name}/gone`;
    const s = store('gone');
    const input = tokenInput({ store: s, secret: { namespace: ns.name, name: 'gone' }, owner });
    await deployTokenToSecret(input);
    await testEnv().kubeConfig.makeApiClient(CoreV1Api).deleteNamespacedSecret({ name: 'gone', namespace: ns.name });
    const out = await revokeCredentialSecret({ ...input, store: store('gone'), kind: 'deploy-token', persist: false });
    expect(out.result.revoked).toHaveLength(1);
    expect(live(env.sim, web, owner)).toHaveLength(0);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met in time');
}

describe('cancellation reaches every call of a protocol run', () => {
  it('should send nothing and write nothing when the signal is already aborted', async () => {
    env.sim.log.clear();
    const s = store();
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(
      deployTokenToSecret(tokenInput({ store: s, signal: controller.signal, target: resolveTarget({ project: SEED_PATHS.project }) })),
    ).rejects.toThrow('shutting down');
    expect([env.sim.log.count(), s.writes]).toEqual([0, 0]);
  });

  it('should stop a hanging create at once, leaving the intent that makes the next run collect it', async () => {
    const owner = `test/${ns.name}/creds`;
    env.sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', kind: 'hang', when: 'after', count: 1 }]);
    const controller = new AbortController();
    const running = deployTokenToSecret(tokenInput({ signal: controller.signal }));
    await waitFor(async () => env.sim.log.count({ route: 'POST /projects/:id/deploy_tokens' }) === 1, 10_000);
    controller.abort(new Error('shutting down'));
    await expect(running).rejects.toThrow('shutting down');
    env.sim.setFaults([]);
    expect(env.sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(1);
    const state = parseStateAnnotation((await readSecret()).metadata?.annotations) as LifecycleState;
    expect(state.intent).toBeDefined();
    const next = await deployTokenToSecret(tokenInput());
    expect(next.result.action).toBe('created');
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([next.credential!.id]);
  });
});

describe('a missing namespace', () => {
  it('should be refused before any GitLab call, even with a project path to resolve', async () => {
    env.sim.log.clear();
    const input = tokenInput({
      store: store('creds', 'no-such-namespace'),
      secret: { namespace: 'no-such-namespace', name: 'creds' },
      target: resolveTarget({ project: SEED_PATHS.project }),
    });
    await expect(deployTokenToSecret(input)).rejects.toMatchObject({ code: 'VALIDATION', field: 'namespace' });
    expect(env.sim.log.count()).toBe(0);
  });
});

describe('a consumer that has switched', () => {
  it('should revoke the retired credential before its grace ends when asked', async () => {
    const owner = `test/${ns.name}/creds`;
    await deployTokenToSecret(tokenInput({ graceMs: 3_600_000 }));
    const rotated = await deployTokenToSecret(tokenInput({ graceMs: 3_600_000, mode: 'rotate' }));
    expect(live(env.sim, web, owner)).toHaveLength(2);
    const early = await deployTokenToSecret(tokenInput({ graceMs: 3_600_000, revokeRetired: true, verify: false }));
    expect(early.result).toMatchObject({ action: 'kept', revoked: [rotated.result.state.retiring[0]!.id], nextCheckAt: null });
    expect(live(env.sim, web, owner).map((t) => t.id)).toEqual([rotated.credential!.id]);
  });
});
