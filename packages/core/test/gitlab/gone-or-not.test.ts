/**
 * "Already gone" is said only for a credential gone from a project or group that exists and
 * this token can see. GitLab answers a DELETE with 404 alike for a typo in the project, a
 * project the token cannot see and a group token's ID given with its project; none of those
 * is "gone", and nothing is deleted in any of them.
 */
import { SEED_PATHS, SEED_TOKENS } from '@glkeys/gitlab-sim';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  CredentialElsewhereError,
  TargetNotFoundError,
  createDeployToken,
  createGitlabClient,
  deleteDeployKey,
  generateKeyPair,
  parseGitlabRef,
  registerDeployKey,
  resolveTarget,
  revokeDeployToken,
} from '../../src/index.js';
import { startSim, type SimClient } from '../support/sim.js';

let env: SimClient;
beforeAll(async () => {
  env = await startSim();
});
afterAll(async () => {
  await env.sim.close();
});
beforeEach(() => env.sim.log.clear());

const project = resolveTarget({ project: SEED_PATHS.project });
const typo = resolveTarget({ project: 'platform/app/web' });

async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('revokeDeployToken on a 404', () => {
  it('is false for a token gone from a project that exists (DELETE, GET of the project, one GET per group above it)', async () => {
    const created = await createDeployToken(env.client, project, { name: 'gone', scopes: ['read_repository'] });
    expect(await revokeDeployToken(env.client, project, created.id)).toBe(true);
    env.sim.log.clear();
    expect(await revokeDeployToken(env.client, project, created.id)).toBe(false);
    expect(env.sim.log.entries().map((e) => e.route)).toEqual([
      'DELETE /projects/:id/deploy_tokens/:token_id',
      'GET /projects/:id',
      'GET /groups/:id/deploy_tokens/:token_id',
      'GET /groups/:id/deploy_tokens/:token_id',
    ]);
  });

  it('throws TargetNotFoundError naming the project when the project is a typo; the live token stays', async () => {
    const live = await createDeployToken(env.client, project, { name: 'live', scopes: ['read_repository'] });
    env.sim.log.clear();
    const error = await failure(revokeDeployToken(env.client, typo, live.id));
    expect(error).toBeInstanceOf(TargetNotFoundError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'project' });
    expect((error as Error).message).toMatch(
      /^project: project platform\/app\/web does not exist or this token cannot see it; deploy token \d+ was not revoked$/,
    );
    expect(env.sim.log.count({ write: true })).toBe(1);
    expect(env.sim.state.deployTokens(SEED_PATHS.project).some((t) => t.id === live.id)).toBe(true);
  });

  it('throws TargetNotFoundError for a token that cannot see the project', async () => {
    const live = await createDeployToken(env.client, project, { name: 'hidden', scopes: ['read_repository'] });
    const outsider = createGitlabClient({ host: env.sim.url, token: SEED_TOKENS.outsider, timeoutMs: 5_000 });
    const error = await failure(revokeDeployToken(outsider, project, live.id));
    expect(error).toBeInstanceOf(TargetNotFoundError);
    expect(env.sim.state.deployTokens(SEED_PATHS.project).some((t) => t.id === live.id)).toBe(true);
  });

  it('names the group when a group token ID is given with a project below it', async () => {
    const groupToken = await createDeployToken(env.client, resolveTarget({ group: SEED_PATHS.group }), {
      name: 'group-token',
      scopes: ['read_repository'],
    });
    env.sim.log.clear();
    const error = await failure(revokeDeployToken(env.client, project, groupToken.id));
    expect(error).toBeInstanceOf(CredentialElsewhereError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'project', owner: { kind: 'group', path: 'platform' } });
    expect((error as Error).message).toBe(
      `project: deploy token ${groupToken.id} belongs to group platform, not to project platform/apps/web; revoke it with that group (nothing was revoked)`,
    );
    // DELETE, GET project, GET platform/apps's token (404), GET platform's token (found).
    expect(env.sim.log.count()).toBe(4);
    expect(env.sim.log.count({ write: true })).toBe(1);
  });

  it('throws TargetNotFoundError naming the group for a group that does not exist', async () => {
    const error = await failure(revokeDeployToken(env.client, resolveTarget({ group: 'platfrom' }), 5));
    expect(error).toMatchObject({ code: 'NOT_FOUND', field: 'group' });
  });
});

describe('deleteDeployKey on a 404', () => {
  it('is false for a key not on a project that exists, and throws for a typo of the project while the key stays', async () => {
    const pair = await generateKeyPair({ algorithm: 'ed25519', comment: 'k' });
    const web = parseGitlabRef(SEED_PATHS.project);
    const key = await registerDeployKey(env.client, web, { title: 'rw', key: pair.publicKey, canPush: true });
    const error = await failure(deleteDeployKey(env.client, parseGitlabRef('platform/app/web'), key.id));
    expect(error).toBeInstanceOf(TargetNotFoundError);
    expect((error as Error).message).toMatch(/deploy key \d+ was not removed$/);
    expect(await deleteDeployKey(env.client, web, key.id)).toBe(true);
    expect(await deleteDeployKey(env.client, web, key.id)).toBe(false);
  });
});
