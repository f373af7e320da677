import { SEED_PATHS } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CredentialLifecycle,
  LifecycleError,
  deployKeyDriver,
  deployTokenDriver,
  resolveTarget,
  resolveTargetRef,
  type TargetRef,
  type DeployKeyValue,
  type DeployTokenValue,
  type LifecycleState,
  type PersistUpdate,
} from '../src/index.js';
import { markName, parseMarker } from '../src/lifecycle/owner-marker.js';
import { liveTokens, startSim, type SimClient } from './support/sim.js';

const PROJECT = SEED_PATHS.project;
let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

/** A store like a Secret: value and state written together, and a log of every write. */
function memoryStore<V>() {
  const store = { state: undefined as LifecycleState | undefined, value: undefined as V | undefined, writes: [] as PersistUpdate<V>[] };
  const persist = async (update: PersistUpdate<V>) => {
    store.writes.push(structuredClone(update));
    store.state = structuredClone(update.state);
    if (update.value !== undefined) store.value = update.value;
  };
  return { store, persist };
}

/** The seeded project by numeric ID, as the state records it (one GET, before any counting). */
async function projectRef(): Promise<TargetRef> {
  env ??= await startSim();
  return resolveTargetRef(env.client, resolveTarget({ project: PROJECT }));
}

async function tokenLifecycle(options: { graceMs?: number; owner?: string; now?: () => Date } = {}) {
  env ??= await startSim();
  const { store, persist } = memoryStore<DeployTokenValue>();
  const driver = deployTokenDriver(env.client, await projectRef(), { scopes: ['read_repository'], expiresAfter: '30d' });
  const lifecycle = new CredentialLifecycle({
    driver,
    owner: options.owner ?? 'cluster-a/flux-system/flux-system',
    name: 'flux-system-main',
    persist,
    ...options,
  });
  return { lifecycle, store, sim: env.sim };
}

const writes = (sim: SimClient['sim']) => sim.log.count({ write: true });
const calls = (sim: SimClient['sim']) => sim.log.count();

describe('deploy token lifecycle against the simulator', () => {
  it('should create a fresh token with exactly 1 GitLab call, value and state persisted together', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    sim.log.clear();
    const result = await lifecycle.ensure(undefined);
    expect(result.action).toBe('created');
    expect(calls(sim)).toBe(1);
    expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(1);
    expect(store.value?.token).toMatch(/^gldt-/);
    const final = store.writes.at(-1)!;
    expect(final.value).toBeDefined();
    expect(final.state.current?.id).toBe(store.value?.id);
    expect(final.state.intent).toBeUndefined();
    // The intent was stored before the create.
    expect(store.writes[0]!.state.intent?.generation).toBe(1);
    expect(store.writes[0]!.value).toBeUndefined();
    const live = liveTokens(sim, PROJECT, lifecycle.ownerKey);
    expect(live).toHaveLength(1);
    expect(parseMarker(live[0]!.name)).toEqual({ ownerKey: lifecycle.ownerKey, generation: 1 });
    expect(live[0]!.name.startsWith('flux-system-main ')).toBe(true);
  });

  it('should keep a live token with 0 calls, and 1 GET and 0 writes when verifying', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    await lifecycle.ensure(undefined);
    const writesBefore = store.writes.length;
    sim.log.clear();
    expect((await lifecycle.ensure(store.state)).action).toBe('kept');
    expect(calls(sim)).toBe(0);
    expect((await lifecycle.ensure(store.state, { verify: true })).action).toBe('kept');
    expect(calls(sim)).toBe(1);
    expect(writes(sim)).toBe(0);
    expect(store.writes.length).toBe(writesBefore);
  });

  it('should rotate with exactly 2 GitLab calls (create + revoke) and leave one live token', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    await lifecycle.ensure(undefined);
    const first = store.value!;
    sim.log.clear();
    const result = await lifecycle.rotate(store.state);
    expect(result.action).toBe('rotated');
    expect(calls(sim)).toBe(2);
    expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(1);
    expect(sim.log.count({ route: 'DELETE /projects/:id/deploy_tokens/:token_id' })).toBe(1);
    expect(result.revoked).toEqual([first.id]);
    expect(store.value!.id).not.toBe(first.id);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey).map((t) => t.id)).toEqual([store.value!.id]);
  });

  it('should keep the old token through the grace period and revoke it on the first ensure after', async () => {
    let now = new Date('2026-11-23T10:00:00Z');
    const { lifecycle, store, sim } = await tokenLifecycle({ graceMs: 10 * 60_000, now: () => now });
    await lifecycle.ensure(undefined);
    const old = store.value!.id;
    await lifecycle.rotate(store.state);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey)).toHaveLength(2);
    expect(store.state!.retiring.map((r) => r.id)).toEqual([old]);
    now = new Date('2026-11-23T10:05:00Z');
    expect((await lifecycle.ensure(store.state)).revoked).toEqual([]);
    now = new Date('2026-11-23T10:11:00Z');
    const after = await lifecycle.ensure(store.state);
    expect(after.revoked).toEqual([old]);
    expect(store.state!.retiring).toEqual([]);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey)).toHaveLength(1);
  });

  it('should repair a token someone revoked in GitLab when verifying', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    await lifecycle.ensure(undefined);
    const revoked = store.value!.id;
    sim.state.revokeDeployToken(revoked);
    const result = await lifecycle.ensure(store.state, { verify: true });
    expect(result.action).toBe('repaired');
    expect(store.value!.id).not.toBe(revoked);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey).map((t) => t.id)).toEqual([store.value!.id]);
  });

  it('should rotate a token that expires within rotateBeforeExpiry, with no call to decide', async () => {
    env = await startSim();
    const { store, persist } = memoryStore<DeployTokenValue>();
    const driver = deployTokenDriver(env.client, await projectRef(), { scopes: ['read_repository'], expiresAfter: '2d' });
    const lifecycle = new CredentialLifecycle({ driver, owner: 'o', name: 'n', persist, rotateBeforeExpiryMs: 3 * 86_400_000 });
    await lifecycle.ensure(undefined);
    env.sim.log.clear();
    expect((await lifecycle.ensure(store.state)).action).toBe('rotated');
    expect(calls(env.sim)).toBe(2);
  });

  it('should revoke the orphan of a crash between create and persist on the next ensure', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    await lifecycle.ensure(undefined);
    // A second process instance that dies right after GitLab created the token.
    const crashing = new CredentialLifecycle({
      driver: deployTokenDriver(env!.client, await projectRef(), { scopes: ['read_repository'] }),
      owner: 'cluster-a/flux-system/flux-system',
      name: 'flux-system-main',
      persist: async (update) => {
        if (update.value) throw new Error('process killed');
        store.state = structuredClone(update.state);
      },
    });
    await expect(crashing.rotate(store.state)).rejects.toThrow('process killed');
    expect(store.state!.intent).toBeDefined();
    const result = await lifecycle.ensure(store.state);
    expect(result.action).toBe('kept');
    expect(store.state!.intent).toBeUndefined();
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey)).toHaveLength(1);
  });

  it('should find and revoke a token created by a create whose answer was lost, then mint again', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle();
    sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', kind: 'status', status: 502, when: 'after', count: 1 }]);
    const result = await lifecycle.ensure(undefined);
    expect(result.action).toBe('created');
    expect(result.revoked).toHaveLength(1);
    expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' })).toBe(2);
    expect(sim.log.count({ route: 'DELETE /projects/:id/deploy_tokens/:token_id' })).toBe(1);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey).map((t) => t.id)).toEqual([store.value!.id]);
  });

  it('should revoke the new token at once when storing its value fails', async () => {
    env = await startSim();
    const driver = deployTokenDriver(env.client, await projectRef(), { scopes: ['read_repository'] });
    const lifecycle = new CredentialLifecycle({
      driver,
      owner: 'o',
      name: 'n',
      persist: async (update) => {
        if (update.value) throw new Error('apiserver said 409');
      },
    });
    await expect(lifecycle.ensure(undefined)).rejects.toThrow('409');
    expect(liveTokens(env.sim, PROJECT)).toHaveLength(0);
  });

  it('should not record anything live after a refused create (4xx), and drop the intent', async () => {
    env = await startSim();
    const { store, persist } = memoryStore<DeployTokenValue>();
    const driver = deployTokenDriver(env.client, { kind: 'project', id: 999_999 }, { scopes: ['read_repository'] });
    const lifecycle = new CredentialLifecycle({ driver, owner: 'o', name: 'n', persist });
    await expect(lifecycle.ensure(undefined)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(store.state!.intent).toBeUndefined();
    expect(store.state!.current).toBeUndefined();
  });

  it('should revoke everything the owner has on revokeAll, strays included, and leave others alone', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle({ graceMs: 60_000 });
    const other = await tokenLifecycle({ owner: 'someone-else' });
    await other.lifecycle.ensure(undefined);
    await lifecycle.ensure(undefined);
    await lifecycle.rotate(store.state);
    const result = await lifecycle.revokeAll(store.state);
    expect(result.revoked).toHaveLength(2);
    expect(liveTokens(sim, PROJECT, lifecycle.ownerKey)).toHaveLength(0);
    expect(liveTokens(sim, PROJECT, other.lifecycle.ownerKey)).toHaveLength(1);
    expect(store.state!.current).toBeUndefined();
    // Idempotent: again is fine and revokes nothing new.
    expect((await lifecycle.revokeAll(store.state)).revoked).toEqual([]);
  });

  it('should refuse a state written for another owner', async () => {
    const { lifecycle, store } = await tokenLifecycle();
    await lifecycle.ensure(undefined);
    const other = await tokenLifecycle({ owner: 'another' });
    await expect(other.lifecycle.ensure(store.state)).rejects.toBeInstanceOf(LifecycleError);
  });
});

describe('deploy key lifecycle against the simulator', () => {
  it("should register a generated key whose fingerprint equals GitLab's, rotate it and delete all", async () => {
    env = await startSim();
    const { store, persist } = memoryStore<DeployKeyValue>();
    const lifecycle = new CredentialLifecycle({
      driver: deployKeyDriver(env.client, await projectRef(), { algorithm: 'ed25519' }),
      owner: 'cluster-a/flux-system/flux-system',
      name: 'flux-system-main',
      persist,
    });
    env.sim.log.clear();
    await lifecycle.ensure(undefined);
    expect(env.sim.log.count()).toBe(1);
    const keys = env.sim.state.deployKeys(PROJECT);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.fingerprintSha256).toBe(store.value!.fingerprintSha256);
    expect(keys[0]!.canPush).toBe(false);
    expect(store.value!.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    const first = store.value!;
    env.sim.log.clear();
    await lifecycle.rotate(store.state);
    expect(env.sim.log.count()).toBe(2);
    expect(store.value!.fingerprintSha256).not.toBe(first.fingerprintSha256);
    expect(env.sim.state.deployKeys(PROJECT).map((k) => k.id)).toEqual([store.value!.id]);
    await lifecycle.revokeAll(store.state);
    expect(env.sim.state.deployKeys(PROJECT)).toHaveLength(0);
  });
});

describe('state version 2: migration and scheduling', () => {
  it('should migrate a version-1 state of a legacy owner without minting, and still find its strays', async () => {
    env ??= await startSim();
    const target = await projectRef();
    const legacyOwner = 'secret:cluster/ns/creds@project platform/apps/web';
    const { store, persist } = memoryStore<DeployTokenValue>();
    // glkeys 0.1 minted under the legacy owner and stored a version-1 state.
    const old = new CredentialLifecycle({
      driver: deployTokenDriver(env.client, target, { scopes: ['read_repository'] }),
      owner: legacyOwner,
      name: 'n',
      persist,
    });
    await old.ensure(undefined);
    await old.rotate(store.state, { signal: new AbortController().signal });
    const v2 = store.state!;
    const { target: _t, specHash: _s, ...currentV1 } = v2.current!;
    const v1 = { version: 1, kind: 'deploy-token', ownerKey: v2.ownerKey, generation: v2.generation, current: currentV1, retiring: [] };
    // A stray from a crash under the legacy owner (generation 9, not in the state).
    const stray = await deployTokenDriver(env.client, target, { scopes: ['read_repository'] }).create(
      markName('n', { ownerKey: v2.ownerKey, generation: 9 }),
      new Date(),
    );

    const now = new CredentialLifecycle({
      driver: deployTokenDriver(env.client, target, { scopes: ['read_repository'] }),
      owner: 'secret:cluster/ns/creds',
      legacyOwners: [legacyOwner],
      name: 'n',
      persist,
    });
    env.sim.log.clear();
    const kept = await now.ensure(v1);
    expect(kept.action).toBe('kept');
    // No GitLab write; the migrated state is stored once.
    expect(env.sim.log.count({ write: true })).toBe(0);
    expect(store.writes.at(-1)!.state.version).toBe(2);
    expect(store.state).toMatchObject({
      version: 2,
      ownerKey: now.ownerKey,
      formerOwnerKeys: [v2.ownerKey],
      current: { id: v2.current!.id, target },
    });
    // A version-1 state of an owner that is neither this one nor a legacy one stays foreign.
    await expect(
      new CredentialLifecycle({
        driver: deployTokenDriver(env.client, target, { scopes: ['read_repository'] }),
        owner: 'someone',
        name: 'n',
        persist,
      }).ensure(v1),
    ).rejects.toBeInstanceOf(LifecycleError);
    const all = await now.revokeAll(store.state);
    expect(all.revoked).toEqual(expect.arrayContaining([v2.current!.id, stray.record.id]));
    expect(liveTokens(env.sim, PROJECT, v2.ownerKey)).toHaveLength(0);
  });

  it('should say when to look again: expiry minus the rotate-before window, the end of a grace period', async () => {
    env ??= await startSim();
    let now = new Date('2026-12-01T00:00:00Z');
    const { store, persist } = memoryStore<DeployTokenValue>();
    const driver = deployTokenDriver(env.client, await projectRef(), { scopes: ['read_repository'], expiresAfter: '30d' });
    const lifecycle = new CredentialLifecycle({
      driver,
      owner: 'sched',
      name: 'n',
      persist,
      rotateBeforeExpiryMs: 7 * 86_400_000,
      graceMs: 3_600_000,
      now: () => now,
    });
    const created = await lifecycle.ensure(undefined);
    const expires = Date.parse(created.state.current!.expiresAt!);
    expect(Date.parse(created.nextCheckAt!)).toBe(expires - 7 * 86_400_000);
    now = new Date('2026-12-02T00:00:00Z');
    const rotated = await lifecycle.rotate(store.state);
    // The retired token's grace ends first.
    expect(rotated.nextCheckAt).toBe('2026-12-02T01:00:00.000Z');
    expect(rotated.revoked).toEqual([]);
    now = new Date('2026-12-02T01:00:01Z');
    const after = await lifecycle.ensure(store.state);
    expect(after.revoked).toHaveLength(1);
    expect(Date.parse(after.nextCheckAt!)).toBe(Date.parse(after.state.current!.expiresAt!) - 7 * 86_400_000);
  });
});

describe('what a call reports as revoked', () => {
  it('should list a credential someone already deleted in GitLab as gone, not as revoked', async () => {
    const { lifecycle, store, sim } = await tokenLifecycle({ owner: 'gone-check' });
    await lifecycle.ensure(undefined);
    const id = store.state!.current!.id;
    // Someone deletes it through the API (the UI's "Revoke" does the same DELETE).
    await env!.client.request('DELETE', `projects/${(await projectRef()).id}/deploy_tokens/${id}`);
    sim.log.clear();
    const result = await lifecycle.revokeAll(store.state);
    expect(result.revoked).toEqual([]);
    expect(result.gone).toEqual([id]);
    // GitLab was asked (a DELETE answered 404): "already gone" is GitLab's word, not a guess.
    expect(sim.log.count({ route: 'DELETE /projects/:id/deploy_tokens/:token_id' })).toBe(1);
  });
});
