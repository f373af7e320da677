/**
 * A plain create whose answer is lost (502, reset, hang) on the simulator with fault injection:
 * what it made is found and revoked (token) or handed over (key), and the error says which.
 */
import { SEED_PATHS } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CreateOutcomeError,
  GitlabServerError,
  createDeployTokenOrRevoke,
  generateKeyPair,
  parseGitlabRef,
  registerDeployKeyOrFind,
  resolveTarget,
} from '../../src/index.js';
import { startSim, type SimClient } from '../support/sim.js';

let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});

const target = resolveTarget({ project: SEED_PATHS.project });
const CREATE = 'POST /projects/:id/deploy_tokens';
const live = (sim: SimClient['sim'], name: string) => sim.state.deployTokens(SEED_PATHS.project).filter((t) => t.name === name);

async function failure(call: Promise<unknown>): Promise<CreateOutcomeError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CreateOutcomeError);
  return error as CreateOutcomeError;
}

describe('createDeployTokenOrRevoke', () => {
  it.each([
    ['a 502 after the create', { kind: 'status', status: 502 }, 'GITLAB_SERVER', /\(GitLab answered 502\)/],
    ['a reset after the create', { kind: 'reset' }, 'NETWORK', /\(the connection failed\)/],
    ['a hang after the create', { kind: 'hang' }, 'TIMEOUT', /\(no answer in time\)/],
  ] as const)('revokes the token %s and says so', async (_label, fault, code, why) => {
    env = await startSim({ faults: [{ route: CREATE, when: 'after', count: 1, ...fault }] }, { timeoutMs: 1_000 });
    // A token of the same name made earlier is the user's: it must survive.
    env.sim.state.createDeployToken(
      { kind: 'project', id: env.sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id },
      { name: 'ci', scopes: ['read_repository'], expiresAt: null },
    );
    const error = await failure(createDeployTokenOrRevoke(env.client, target, { name: 'ci', scopes: ['read_repository'] }));
    expect(error).toMatchObject({ code, outcome: 'revoked', live: [] });
    expect(error.revoked).toHaveLength(1);
    expect(error.message).toMatch(why);
    expect(error.message).toMatch(/it was found by its name and revoked, so nothing is left live$/);
    const tokens = live(env.sim, 'ci');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.id).not.toBe(error.revoked[0]);
    // list before, create, list after, revoke.
    expect(env.sim.log.count({ write: true })).toBe(2);
  });

  it('says none was created when the create failed before GitLab acted', async () => {
    env = await startSim({ faults: [{ route: CREATE, when: 'before', kind: 'status', status: 502, count: 1 }] });
    const error = await failure(createDeployTokenOrRevoke(env.client, target, { name: 'ci', scopes: ['read_repository'] }));
    expect(error.outcome).toBe('none');
    expect(error.message).toMatch(/no new deploy token named "ci" is on project platform\/apps\/web, so none was created$/);
    expect(live(env.sim, 'ci')).toHaveLength(0);
  });

  it('says the token may be live when the check fails too', async () => {
    env = await startSim({ faults: [{ route: CREATE, when: 'after', kind: 'status', status: 502, count: 1 }] });
    // The list after the failure fails as well (the simulator's faults cannot skip the first list).
    let lists = 0;
    const client = env.client;
    const api = {
      ...client,
      paginate: (async (...args: Parameters<typeof client.paginate>) => {
        lists += 1;
        if (lists === 2) throw new GitlabServerError('GITLAB_SERVER', 'down', { request: { method: 'GET', path: 'x' }, status: 503 });
        return client.paginate(...args);
      }) as typeof client.paginate,
    };
    const error = await failure(createDeployTokenOrRevoke(api, target, { name: 'ci', scopes: ['read_repository'] }));
    expect(error.outcome).toBe('unknown');
    expect(error.message).toMatch(/may be live there with nobody holding it; list them and revoke it$/);
    expect(live(env.sim, 'ci')).toHaveLength(1);
  });

  it('passes a refusal (4xx) through untouched: GitLab made nothing', async () => {
    env = await startSim({ faults: [{ route: CREATE, kind: 'status', status: 400, count: 1 }] });
    const error = await createDeployTokenOrRevoke(env.client, target, { name: 'ci', scopes: ['read_repository'] }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(CreateOutcomeError);
  });
});

describe('registerDeployKeyOrFind', () => {
  it('hands over the key GitLab registered although its answer was lost', async () => {
    env = await startSim({ faults: [{ route: 'POST /projects/:id/deploy_keys', when: 'after', kind: 'status', status: 502, count: 1 }] });
    const pair = await generateKeyPair({ algorithm: 'ed25519', comment: 'k' });
    const key = await registerDeployKeyOrFind(env.client, parseGitlabRef(SEED_PATHS.project), { title: 'k', key: pair.publicKey });
    expect(key.recovered).toBe(true);
    expect(key.fingerprintSha256).toBe(pair.fingerprintSha256);
  });

  it('says the key was not registered when GitLab failed before acting', async () => {
    env = await startSim({ faults: [{ route: 'POST /projects/:id/deploy_keys', when: 'before', kind: 'status', status: 502, count: 1 }] });
    const pair = await generateKeyPair({ algorithm: 'ed25519', comment: 'k' });
    const error = await failure(
      registerDeployKeyOrFind(env.client, parseGitlabRef(SEED_PATHS.project), { title: 'k', key: pair.publicKey }),
    );
    expect(error.outcome).toBe('none');
  });
});
