/**
 * Issue 12: a plain `token create` whose answer is lost (502, reset) must not leave a live token
 * nobody holds, nor say "safe to repeat" before that is true; a `key create` whose answer is
 * lost hands the registered key over. The real binary against the simulator's fault injection
 * (a hang is the same path with a 30 s wait: core's test/lifecycle/unknown-outcome.test.ts).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { leaksOf, runCli } from './support/run-cli.js';

let sim: GitlabSim;
beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.log.clear();
  sim.setFaults([]);
});

const WEB = SEED_PATHS.project;
const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner });
type ErrorJson = { error: { code: string; message: string; exitCode: number; retryable: boolean; hint?: string } };
const liveNamed = (name: string) => sim.state.deployTokens(WEB).filter((t) => t.name === name && !t.revoked);

describe('token create, answer lost after GitLab created the token', () => {
  it.each([
    ['502', { kind: 'status' as const, status: 502 }, 'GITLAB_SERVER'],
    ['reset', { kind: 'reset' as const }, 'NETWORK'],
  ])('%s: the token is found and revoked, exit 5, and the output says so truthfully', async (label, fault, code) => {
    const name = `lost-${label}`;
    sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', when: 'after', count: 1, ...fault }]);
    const run = await runCli(['token', 'create', '--project', WEB, '--name', name, '--json'], { env: env() });
    expect(run.code).toBe(5);
    const { error } = run.json<ErrorJson>();
    expect(error.code).toBe(code);
    expect(error.message).toMatch(
      /after creating deploy token \d+ on project platform\/apps\/web; it was found by its name and revoked, so nothing is left live$/,
    );
    expect(error.hint).toBe('Nothing is left live in GitLab; run the command again.');
    expect(liveNamed(name)).toEqual([]);
    expect(sim.log.entries().map((e) => e.route)).toEqual([
      'GET /projects/:id/deploy_tokens',
      'POST /projects/:id/deploy_tokens',
      'GET /projects/:id/deploy_tokens',
      'DELETE /projects/:id/deploy_tokens/:token_id',
    ]);
  });

  it('502 before GitLab acted: says none was created', async () => {
    sim.setFaults([{ route: 'POST /projects/:id/deploy_tokens', when: 'before', kind: 'status', status: 502, count: 1 }]);
    const run = await runCli(['token', 'create', '--project', WEB, '--name', 'never', '--json'], { env: env() });
    expect(run.code).toBe(5);
    const { error } = run.json<ErrorJson>();
    expect(error.message).toMatch(/no new deploy token named "never" is on project platform\/apps\/web, so none was created$/);
    expect(error.hint).toBe('Nothing was created in GitLab; run the command again.');
    expect(sim.log.count({ write: true })).toBe(1);
  });
});

describe('key create, answer lost after GitLab registered the key', () => {
  it('hands the key over: the private key is written and the registration is reported', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'glkeys-lost-')), 'id');
    sim.setFaults([{ route: 'POST /projects/:id/deploy_keys', when: 'after', kind: 'status', status: 502, count: 1 }]);
    const run = await runCli(['key', 'create', '--project', WEB, '--title', 'lost', '--output-file', file], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("GitLab's answer to the registration was lost, but the key is registered (found by its public key)");
    const registered = sim.state.deployKeys(WEB).filter((k) => k.title === 'lost');
    expect(registered).toHaveLength(1);
    expect(readFileSync(`${file}.pub`, 'utf8').split(' ')[1]).toBe(registered[0]!.key.split(' ')[1]);
    expect(readFileSync(file, 'utf8')).toContain('OPENSSH PRIVATE KEY');
  });

  it('leaks no secret in any output', () => {
    expect(leaksOf(sim.state.deployTokens(WEB).map((t) => t.token))).toEqual([]);
  });
});
