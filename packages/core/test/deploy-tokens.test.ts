import { SEED_PATHS, SEED_TOKENS, defaultSeed } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  ValidationError,
  createDeployToken,
  createGitlabClient,
  getDeployToken,
  listDeployTokens,
  resolveTarget,
  revokeDeployToken,
} from '../src/index.js';
import { startSim, type SimClient } from './support/sim.js';

let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

const project = resolveTarget({ project: SEED_PATHS.project });
const group = resolveTarget({ group: SEED_PATHS.group });

describe('project deploy tokens', () => {
  it('should POST projects/:id/deploy_tokens with name, scopes, username and expiry, and return the value once', async () => {
    env = await startSim();
    const created = await createDeployToken(env.client, project, {
      name: 'registry-pull',
      scopes: ['read_registry', 'read_virtual_registry'],
      username: 'puller',
      expiresAfter: '30d',
    });
    expect(created.token).toMatch(/^gldt-[A-Za-z0-9_-]{20}$/);
    expect(created).toMatchObject({ name: 'registry-pull', username: 'puller', revoked: false, expired: false });
    expect(Date.parse(created.expiresAt!)).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const read = await getDeployToken(env.client, project, created.id);
    expect(read).toMatchObject({ id: created.id, name: 'registry-pull' });
    expect(read).not.toHaveProperty('token');
  });

  it('should default the username to gitlab+deploy-token-{id} and never expire without an expiry', async () => {
    env = await startSim();
    const created = await createDeployToken(env.client, project, { name: 'n', scopes: ['read_repository'] });
    expect(created.username).toBe(`gitlab+deploy-token-${created.id}`);
    expect(created.expiresAt).toBeNull();
  });

  it('should follow pagination past 100 tokens and filter active ones', async () => {
    const seed = defaultSeed();
    const web = seed.projects!.find((p) => `${p.namespace}/${p.path}` === SEED_PATHS.project)!;
    web.deployTokens = Array.from({ length: 130 }, (_, i) => ({ name: `t${i}`, scopes: ['read_repository'], revoked: i % 10 === 0 }));
    env = await startSim({ seed });
    expect(await listDeployTokens(env.client, project)).toHaveLength(130);
    expect(await listDeployTokens(env.client, project, { active: true })).toHaveLength(117);
    expect(env.sim.log.count({ route: 'GET /projects/:id/deploy_tokens' })).toBe(4);
  });

  it('should count revoking an already revoked or unknown token as done', async () => {
    env = await startSim();
    const created = await createDeployToken(env.client, project, { name: 'n', scopes: ['read_repository'] });
    expect(await revokeDeployToken(env.client, project, created.id)).toBe(true);
    expect(await revokeDeployToken(env.client, project, created.id)).toBe(false);
    expect(await getDeployToken(env.client, project, created.id)).toBeUndefined();
  });

  it('should accept a numeric ID and a pasted URL for the same project', async () => {
    env = await startSim();
    const id = env.sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
    await createDeployToken(env.client, resolveTarget({ project: id }), { name: 'by-id', scopes: ['read_repository'] });
    const byUrl = resolveTarget({ project: `${env.sim.url}/${SEED_PATHS.project}/-/settings/repository` }, { baseUrl: env.sim.url });
    const names = (await listDeployTokens(env.client, byUrl)).map((t) => t.name);
    expect(names).toContain('by-id');
  });
});

describe('group deploy tokens', () => {
  it('should let the group Owner create, list and revoke', async () => {
    env = await startSim();
    const created = await createDeployToken(env.client, group, { name: 'g', scopes: ['read_package_registry'] });
    expect((await listDeployTokens(env.client, group)).map((t) => t.id)).toContain(created.id);
    expect(await revokeDeployToken(env.client, group, created.id)).toBe(true);
  });

  it('should refuse the virtual-registry scopes for a group before any call, although GitLab (and the simulator) would take them', async () => {
    env = await startSim();
    for (const scope of ['read_virtual_registry', 'write_virtual_registry']) {
      const refused = createDeployToken(env.client, group, { name: 'v', scopes: ['read_repository', scope] });
      await expect(refused).rejects.toBeInstanceOf(ValidationError);
      await expect(refused).rejects.toMatchObject({ field: 'scopes', rule: 'project-only scope' });
      await expect(refused).rejects.toThrow(
        `scopes: "${scope}" exists only for project deploy tokens, not group ones: glkeys refuses it for a group (group scopes: read_repository, read_registry, write_registry, read_package_registry, write_package_registry)`,
      );
    }
    expect(env.sim.log.count()).toBe(0);
    // The refusal is glkeys' own rule: GitLab's group endpoint validates against all seven scopes.
    const direct = await fetch(`${env.sim.apiUrl}/groups/${SEED_PATHS.group}/deploy_tokens`, {
      method: 'POST',
      headers: { 'PRIVATE-TOKEN': SEED_TOKENS.owner, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'v', scopes: ['read_virtual_registry'] }),
    });
    expect(direct.status).toBe(201);
  });

  it('should refuse a Maintainer creating a group token with a ForbiddenError', async () => {
    env = await startSim({}, { token: SEED_TOKENS.maintainer });
    const subgroup = resolveTarget({ group: SEED_PATHS.subgroup });
    await expect(createDeployToken(env.client, subgroup, { name: 'g', scopes: ['read_repository'] })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });
});

describe('errors a user will meet', () => {
  it('should say a Developer cannot manage project deploy tokens', async () => {
    env = await startSim({}, { token: SEED_TOKENS.developer });
    const error = await listDeployTokens(env.client, project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).missingScope).toBeUndefined();
  });

  it('should name the missing api scope for a read_api token that tries to create', async () => {
    env = await startSim({}, { token: SEED_TOKENS.readApi });
    const error = await createDeployToken(env.client, project, { name: 'n', scopes: ['read_repository'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ForbiddenError);
    expect((error as ForbiddenError).missingScope).toBe('api');
  });

  it('should report an expired PAT as unauthorized, without the token in the message', async () => {
    env = await startSim({}, { token: SEED_TOKENS.expired });
    const error = await listDeployTokens(env.client, project).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(String((error as Error).message)).not.toContain(SEED_TOKENS.expired);
  });

  it('should report a project the caller cannot see as not found', async () => {
    env = await startSim({}, { token: SEED_TOKENS.outsider });
    await expect(listDeployTokens(env.client, project)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('should retry through a rate limit that says Retry-After: 1', async () => {
    env = await startSim({ rateLimit: { limit: 2, windowMs: 1_000 } });
    const client = createGitlabClient({ host: env.sim.url, token: SEED_TOKENS.owner });
    const lists = await Promise.all([1, 2, 3, 4].map(() => listDeployTokens(client, project)));
    expect(lists).toHaveLength(4);
    expect(env.sim.log.entries().filter((e) => e.status === 429).length).toBeGreaterThan(0);
  });
});
