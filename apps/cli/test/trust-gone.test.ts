/**
 * Issue 12, "says it succeeded when it did not": through the real binary against the simulator.
 * "Already gone" (exit 0) only for a credential gone from a project or group that exists and the
 * token can see; "Nothing was sent to GitLab." only when this process sent nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { runCli } from './support/run-cli.js';

let sim: GitlabSim;
beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.log.clear());

const env = (token: string = SEED_TOKENS.owner) => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: token });
const WEB = SEED_PATHS.project;
type ErrorJson = { error: { code: string; message: string; exitCode: number; field?: string; hint?: string } };

async function liveToken(target: string[] = ['--project', WEB]): Promise<number> {
  const run = await runCli(['token', 'create', ...target, '--name', 'live', '--json'], { env: env(), requested: true });
  expect(run.code).toBe(0);
  sim.log.clear();
  return run.json<{ id: number }>().id;
}
const tokenLive = (id: number) => sim.state.deployTokenTable.has(id);

describe('token revoke', () => {
  it('fails with exit 4 naming --project for a typo of the project; the token stays live', async () => {
    const id = await liveToken();
    const json = await runCli(['token', 'revoke', String(id), '--project', 'platform/app/web', '--json'], { env: env() });
    expect(json.code).toBe(4);
    expect(json.json<ErrorJson>().error).toMatchObject({ code: 'NOT_FOUND', field: '--project' });
    expect(json.json<ErrorJson>().error.message).toBe(
      `--project: project platform/app/web does not exist or this token cannot see it; deploy token ${id} was not revoked`,
    );
    expect(tokenLive(id)).toBe(true);
  });

  it('prints the same refusal without --json and exits 4, with 2 GitLab calls (the DELETE, then the project)', async () => {
    const id = await liveToken();
    const run = await runCli(['token', 'revoke', String(id), '--project', 'platform/app/web'], { env: env() });
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('--project: project platform/app/web does not exist');
    expect(sim.log.count()).toBe(2);
    expect(tokenLive(id)).toBe(true);
  });

  it('fails for a token that cannot see the project (exit 4, --project)', async () => {
    const id = await liveToken();
    const run = await runCli(['token', 'revoke', String(id), '--project', WEB, '--json'], { env: env(SEED_TOKENS.outsider) });
    expect(run.code).toBe(4);
    expect(run.json<ErrorJson>().error.field).toBe('--project');
    expect(tokenLive(id)).toBe(true);
  });

  it('names the group when a group token ID is given with --project, and says the command that revokes it', async () => {
    const id = await liveToken(['--group', SEED_PATHS.group]);
    const run = await runCli(['token', 'revoke', String(id), '--project', WEB, '--json'], { env: env() });
    expect(run.code).toBe(4);
    const { error } = run.json<ErrorJson>();
    expect(error.field).toBe('--project');
    expect(error.message).toBe(
      `--project: deploy token ${id} belongs to group platform, not to project ${WEB}; revoke it with that group (nothing was revoked): \`glkeys token revoke ${id} --group platform\``,
    );
    expect(sim.log.count({ write: true })).toBe(1);
    expect(tokenLive(id)).toBe(true);
  });

  it('fails for a --group that does not exist (exit 4, --group)', async () => {
    const id = await liveToken(['--group', SEED_PATHS.group]);
    const run = await runCli(['token', 'revoke', String(id), '--group', 'platfrom', '--json'], { env: env() });
    expect(run.code).toBe(4);
    expect(run.json<ErrorJson>().error.field).toBe('--group');
    expect(tokenLive(id)).toBe(true);
  });

  it('says "already gone" (exit 0) only for a token gone from a project that exists', async () => {
    const id = await liveToken();
    expect((await runCli(['token', 'revoke', String(id), '--project', WEB], { env: env() })).stdout).toBe(`Revoked deploy token ${id}.\n`);
    const again = await runCli(['token', 'revoke', String(id), '--project', WEB], { env: env() });
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`Deploy token ${id} is already gone from project ${WEB}; nothing to revoke.\n`);
  });

  it.each(['0', '1.5', '9007199254740994', '-3', 'abc'])('refuses ID %s with exit 2 naming ID and no GitLab call', async (id) => {
    const run = await runCli(['token', 'revoke', id, '--project', WEB, '--json'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.json<ErrorJson>().error).toMatchObject({ code: expect.stringMatching(/^(VALIDATION|USAGE)$/), field: 'ID' });
    expect(sim.log.count()).toBe(0);
  });
});

describe('key delete', () => {
  it('fails with exit 4 naming --project for a typo, and a read-write key stays; "already gone" only on the real project', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'glkeys-gone-'));
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'rw', '-f', join(dir, 'id')]);
    const created = await runCli(
      ['key', 'create', '--project', WEB, '--title', 'rw', '--read-write', '--private-key-file', join(dir, 'id'), '--json'],
      { env: env() },
    );
    expect(created.code).toBe(0);
    const id = created.json<{ key: { id: number } }>().key.id;
    sim.log.clear();
    const run = await runCli(['key', 'delete', String(id), '--project', 'platform/app/web', '--json'], { env: env() });
    expect(run.code).toBe(4);
    expect(run.json<ErrorJson>().error).toMatchObject({ code: 'NOT_FOUND', field: '--project' });
    expect(run.json<ErrorJson>().error.message).toMatch(/deploy key \d+ was not removed$/);
    expect(sim.log.count()).toBe(2);
    expect(sim.state.deployKeys(WEB).find((k) => k.id === id)?.canPush).toBe(true);
    const gone = await runCli(['key', 'delete', String(id), '--project', SEED_PATHS.otherProject], { env: env() });
    expect(gone.code).toBe(0);
    expect(gone.stdout).toBe(`Deploy key ${id} is already gone from project ${SEED_PATHS.otherProject}; nothing to delete.\n`);
  });
});

describe('"Nothing was sent to GitLab." only when true', () => {
  it('dockerconfigjson without --registry-host: refused before any call, and says so', async () => {
    for (const command of ['create', 'rotate']) {
      const args = ['token', command, '--project', WEB, '--name', 'pull', '--secret', 'pull', '--format', 'dockerconfigjson'];
      const run = await runCli([...args, '--json'], { env: env() });
      expect(run.code).toBe(2);
      const { error } = run.json<ErrorJson>();
      expect(error.field).toBe('--registry-host');
      expect(error.hint).toMatch(/^Nothing was sent to GitLab\./);
    }
    expect(sim.log.count()).toBe(0);
  });

  it('--personal with a subgroup path as owner: refused before any call', async () => {
    const run = await runCli(['bootstrap', 'gitlab', '--owner', 'platform/apps', '--repository', 'fleet', '--personal', '--export'], {
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--personal: owner "platform/apps" is a subgroup path');
    expect(run.stderr).toContain('Nothing was sent to GitLab.');
    expect(sim.log.count()).toBe(0);
  });

  it('--personal with a group owner: found by reading GitLab, so it says GitLab was only read, and how often', async () => {
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--personal', '--deploy-token-auth', '--export', '--json'],
      {
        env: env(),
      },
    );
    expect(run.code).toBe(2);
    const { error } = run.json<ErrorJson>();
    expect(error.field).toBe('--personal');
    expect(error.hint).not.toContain('Nothing was sent');
    expect(error.hint).toMatch(new RegExp(`^GitLab was only read \\(${sim.log.count()} requests\\); nothing was written there\\.`));
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.projects().some((p) => p.pathWithNamespace === 'platform/fleet')).toBe(false);
  });

  it("ci setup's refusal of a deploy token without the scope: after reading the project, so it says GitLab was only read", async () => {
    const project = SEED_PATHS.otherProject;
    const made = await runCli(['token', 'create', '--project', project, '--name', 'gitlab-deploy-token', '--json'], {
      env: env(),
      requested: true,
    });
    expect(made.code).toBe(0);
    sim.log.clear();
    const run = await runCli(['ci', 'setup', '--project', project, '--preset', 'registry-pull', '--image', 'reg.example.com/app:1.0'], {
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('lacks read_registry');
    expect(run.stderr).not.toContain('Nothing was sent');
    // ci setup names what it read (its own hint); other commands give the count of requests.
    expect(run.stderr).toMatch(/GitLab was only read \(the project's variables and deploy tokens\); nothing was written\./);
    expect(sim.log.count()).toBeGreaterThan(0);
    expect(sim.log.count({ write: true })).toBe(0);
  });
});
