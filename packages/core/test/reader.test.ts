/**
 * The lean reader (createGitlabReader: node engine, no gitbeaker) reads deploy tokens and keys
 * exactly as the full client does, following GitLab's pagination, against the simulator.
 */
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { afterEach, expect, it } from 'vitest';
import {
  UnauthorizedError,
  ValidationError,
  createDeployToken,
  createGitlabClient,
  createGitlabReader,
  generateKeyPair,
  getDeployKey,
  getDeployToken,
  listDeployKeys,
  listDeployTokens,
  parseGitlabRef,
  registerDeployKey,
  resolveTarget,
  revokeDeployToken,
} from '../src/index.js';

let sim: GitlabSim | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const project = resolveTarget({ project: SEED_PATHS.project });

it('should list 228 tokens over 3 pages, the same as the full client, and pass active on', async () => {
  sim = await start();
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner });
  const reader = createGitlabReader({ host: sim.url, token: SEED_TOKENS.owner });
  const before = (await listDeployTokens(reader, project)).length;
  const created = [];
  for (let i = 0; i < 230; i += 1)
    created.push(await createDeployToken(client, project, { name: `bulk-${i}`, scopes: ['read_repository'] }));
  // GitLab (and the simulator) destroys a revoked deploy token: it leaves the list.
  await revokeDeployToken(client, project, created[0]!.id);
  await revokeDeployToken(client, project, created[1]!.id);

  const gets = sim.log.count({ method: 'GET', route: '/projects/:id/deploy_tokens' });
  const all = await listDeployTokens(reader, project);
  expect(sim.log.count({ method: 'GET', route: '/projects/:id/deploy_tokens' }) - gets).toBe(Math.ceil((before + 228) / 100));
  expect(all).toHaveLength(before + 228);
  expect(all.map((t) => t.id)).not.toContain(created[0]!.id);
  expect(all).toEqual(await listDeployTokens(client, project));
  const activeGets = sim.log.entries().filter((e) => e.query['active'] === 'true').length;
  const active = await listDeployTokens(reader, project, { active: true });
  expect(active).toEqual(await listDeployTokens(client, project, { active: true }));
  expect(sim.log.entries().filter((e) => e.query['active'] === 'true').length - activeGets).toBeGreaterThan(0);

  await expect(getDeployToken(reader, project, created[5]!.id)).resolves.toMatchObject({ id: created[5]!.id, name: 'bulk-5' });
  await expect(getDeployToken(reader, project, 999_999)).resolves.toBeUndefined();
  await expect(getDeployToken(reader, project, 1.5)).rejects.toBeInstanceOf(ValidationError);
});

it('should read group tokens and project deploy keys like the full client', async () => {
  sim = await start();
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner });
  const reader = createGitlabReader({ host: sim.url, token: SEED_TOKENS.owner });
  const group = resolveTarget({ group: SEED_PATHS.group });
  await createDeployToken(client, group, { name: 'group-read', scopes: ['read_repository'] });
  expect(await listDeployTokens(reader, group)).toEqual(await listDeployTokens(client, group));

  const ref = parseGitlabRef(SEED_PATHS.project);
  const pair = await generateKeyPair({ algorithm: 'ed25519', comment: 'reader-test' });
  const key = await registerDeployKey(client, ref, { title: 'reader-test', key: pair.publicKey });
  expect(await listDeployKeys(reader, ref)).toEqual(await listDeployKeys(client, ref));
  await expect(getDeployKey(reader, ref, key.id)).resolves.toEqual(await getDeployKey(client, ref, key.id));
  await expect(getDeployKey(reader, ref, 424_242)).resolves.toBeUndefined();
});

it('should refuse a bad token before any call and map 401 without echoing the token', async () => {
  sim = await start();
  expect(() => createGitlabReader({ host: sim!.url, token: 'glpat with space' })).toThrow(ValidationError);
  const wrong = 'glpat-wrong-reader-token-000';
  const error = await listDeployTokens(createGitlabReader({ host: sim.url, token: wrong }), project).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UnauthorizedError);
  expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain(wrong);
});
