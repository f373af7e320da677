/** token, key and auth commands: the real binary against the simulator (and the apiserver for --secret). */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { leaksOf, runCli } from './support/run-cli.js';
import { readSecret } from './support/kube.js';
import { startSshServer, type TestSshServer } from './support/ssh-server.js';

let sim: GitlabSim;
let ssh: TestSshServer;
let dir: string;
const ns = useNamespace('cmd');
const PROJECT = 'platform/apps/web';

beforeAll(async () => {
  sim = await start();
  ssh = await startSshServer();
  dir = mkdtempSync(join(tmpdir(), 'glkeys-cli-'));
});
afterAll(async () => {
  await sim.close();
  await ssh.close();
  rmSync(dir, { recursive: true, force: true });
});

const env = (token: string = SEED_TOKENS.owner) => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: token, KUBECONFIG: testEnv().kubeconfigPath });
const live = (ref: string) => sim.state.deployTokens(ref).filter((t) => !t.revoked);

describe('token commands', () => {
  it('create prints the value once, list/get show it without the value, revoke is idempotent', async () => {
    const created = await runCli(
      [
        'token',
        'create',
        '--project',
        PROJECT,
        '--name',
        'ci',
        '--scopes',
        'read_repository,read_registry',
        '--expires-in',
        '30d',
        '--json',
      ],
      { env: env(), requested: true },
    );
    expect(created.code).toBe(0);
    const body = created.json<{ id: number; token: string; delivered: string; scopes: string[]; expiresAt: string }>();
    expect(body.delivered).toBe('stdout');
    expect(body.token).toBe(sim.state.deployTokens(PROJECT).find((t) => t.id === body.id)?.token);
    expect(body.scopes).toEqual(['read_repository', 'read_registry']);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    const list = await runCli(['token', 'list', '--project', PROJECT, '--json'], { env: env() });
    expect(list.json<{ tokens: { id: number; name: string }[] }>().tokens.map((t) => t.id)).toContain(body.id);
    const table = await runCli(['token', 'list', '--project', PROJECT], { env: env() });
    expect(table.stdout).toMatch(/^ID\s+NAME\s+USERNAME\s+SCOPES/);

    const got = await runCli(['token', 'get', String(body.id), '--project', PROJECT, '--json'], { env: env() });
    expect(got.json()).toMatchObject({ token: { id: body.id, name: 'ci', revoked: false } });

    const revoked = await runCli(['token', 'revoke', String(body.id), '--project', PROJECT, '--json'], { env: env() });
    expect(revoked.json()).toMatchObject({ id: body.id, revoked: true });
    const again = await runCli(['token', 'revoke', String(body.id), '--project', PROJECT, '--json'], { env: env() });
    expect(again.code).toBe(0);
  });

  it('create --output-file writes the value with mode 0600 and prints no value', async () => {
    const file = join(dir, 'token');
    const run = await runCli(
      ['token', 'create', '--group', 'platform', '--name', 'registry', '--scopes', 'read_registry', '--output-file', file],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const value = readFileSync(file, 'utf8').trim();
    expect(sim.state.deployTokens('platform').map((t) => t.token)).toContain(value);
    expect(run.stdout + run.stderr).not.toContain(value);
  });

  it('create --secret then rotate: one live token, always the one in the Secret', async () => {
    const args = ['--project', PROJECT, '--name', 'flux', '--secret', 'pull', '--namespace', ns.name, '--format', 'flux-https'];
    const created = await runCli(['token', 'create', ...args, '--json'], { env: env() });
    expect(created.code).toBe(0);
    expect(created.json()).toMatchObject({ delivered: 'secret', secret: { action: 'created' } });
    const owned = () => live(PROJECT).filter((t) => t.name.startsWith('flux glkeys:'));
    expect(owned()).toHaveLength(1);
    expect((await readSecret(ns.name, 'pull'))?.data['password']).toBe(owned()[0]!.token);

    const before = owned()[0]!.id;
    const rotated = await runCli(['token', 'rotate', ...args, '--json'], { env: env() });
    expect(rotated.json()).toMatchObject({ action: 'rotated', revoked: [before] });
    expect(owned()[0]!.id).not.toBe(before);
    expect(owned()).toHaveLength(1);
    expect((await readSecret(ns.name, 'pull'))?.data['password']).toBe(owned()[0]!.token);
  });

  it('answers 4 for a token that does not exist and 2 with no call for bad IDs', async () => {
    const missing = await runCli(['token', 'get', '99999', '--project', PROJECT], { env: env() });
    expect(missing.code).toBe(4);
    sim.log.clear();
    for (const args of [
      ['token', 'get', 'abc', '--project', PROJECT],
      ['token', 'list', '--project', 'a b'],
      ['token', 'list', '--project', 'group/%2Fx'],
      ['token', 'list', '--project', 'https://elsewhere.example/group/p'],
      ['token', 'list', '--project', 'x', '--group', 'y'],
      ['token', 'create', '--project', PROJECT, '--name', 'x', '--scopes', 'api'],
      ['token', 'create', '--group', 'platform', '--name', 'x', '--scopes', 'read_virtual_registry'],
      ['token', 'create', '--project', PROJECT, '--name', 'x', '--expires-at', '2001-01-01'],
      ['key', 'delete', '-5', '--project', PROJECT],
    ]) {
      const run = await runCli(args, { env: env() });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(/^Error: /);
    }
    expect(sim.log.count()).toBe(0);
  });
});

describe('key commands', () => {
  it('create --output-file, list, get, enable on another project, delete', async () => {
    const file = join(dir, 'id_deploy');
    const created = await runCli(
      ['key', 'create', '--project', PROJECT, '--title', 'deploy', '--ssh-key-algorithm', 'ed25519', '--output-file', file, '--json'],
      { env: env() },
    );
    expect(created.code).toBe(0);
    const key = created.json<{ key: { id: number; fingerprintSha256: string; canPush: boolean } }>().key;
    expect(key.canPush).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(sim.state.deployKeys(PROJECT).find((k) => k.id === key.id)?.fingerprintSha256).toBe(key.fingerprintSha256);

    const list = await runCli(['key', 'list', '--project', PROJECT, '--json'], { env: env() });
    expect(list.json<{ keys: { id: number }[] }>().keys.map((k) => k.id)).toContain(key.id);
    const got = await runCli(['key', 'get', String(key.id), '--project', PROJECT, '--json'], { env: env() });
    expect(got.json<{ key: { publicKey: string } }>().key.publicKey).toMatch(/^ssh-ed25519 /);

    const enabled = await runCli(['key', 'enable', String(key.id), '--project', 'platform/apps/api', '--json'], { env: env() });
    expect(enabled.code).toBe(0);
    expect(sim.state.deployKeys('platform/apps/api').map((k) => k.id)).toContain(key.id);

    const deleted = await runCli(['key', 'delete', String(key.id), '--project', PROJECT, '--json'], { env: env() });
    expect(deleted.json()).toMatchObject({ deleted: true });
    expect(sim.state.deployKeys(PROJECT).map((k) => k.id)).not.toContain(key.id);
  });

  it('registers the public half of your own --private-key-file, read-write', async () => {
    const file = join(dir, 'own');
    await runCli(['key', 'create', '--project', 'platform/apps/api', '--title', 'tmp', '--output-file', file], { env: env() });
    const run = await runCli(
      ['key', 'create', '--project', PROJECT, '--title', 'mine', '--private-key-file', file, '--read-write', '--json'],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ delivered: 'none', key: { canPush: true } });
  });

  it('refuses to generate a key with nowhere to put it, before any call', async () => {
    sim.log.clear();
    const run = await runCli(['key', 'create', '--project', PROJECT, '--title', 'lost', '--json'], { env: env() });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { field: string } }>().error.field).toBe('--output-file');
    expect(sim.log.count()).toBe(0);
  });

  it("create --secret writes Flux's SSH format; rotate leaves one key, the one in the Secret", async () => {
    const args = [
      '--project',
      PROJECT,
      '--title',
      'flux',
      '--secret',
      'ssh',
      '--namespace',
      ns.name,
      '--ssh-hostname',
      `127.0.0.1:${ssh.port}`,
    ];
    const created = await runCli(['key', 'create', ...args, '--json'], { env: env() });
    expect(created.code).toBe(0);
    const owned = () => sim.state.deployKeys(PROJECT).filter((k) => k.title.startsWith('flux glkeys:'));
    expect(owned()).toHaveLength(1);
    const secret = await readSecret(ns.name, 'ssh');
    expect(Object.keys(secret!.data).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);

    const rotated = await runCli(['key', 'rotate', ...args, '--json'], { env: env() });
    expect(rotated.code).toBe(0);
    expect(owned()).toHaveLength(1);
    const after = await readSecret(ns.name, 'ssh');
    expect(after!.data['identity']).not.toBe(secret!.data['identity']);
    expect(after!.data['identity.pub']!.split(' ')[1]).toBe(owned()[0]!.key.split(' ')[1]);
  });
});

describe('auth status', () => {
  it('says who the token is and which commands its scopes allow', async () => {
    const run = await runCli(['auth', 'status', '--json'], { env: env(SEED_TOKENS.readApi) });
    expect(run.code).toBe(0);
    const body = run.json<{
      user: { username: string };
      token: { scopes: string[] };
      commands: { command: string; allowed: boolean; needs?: string }[];
    }>();
    expect(body.user.username).toBe('alice');
    expect(body.token.scopes).toEqual(['read_api']);
    expect(body.commands.find((c) => c.command === 'token list')?.allowed).toBe(true);
    expect(body.commands.find((c) => c.command === 'token create')).toMatchObject({ allowed: false, needs: 'api' });
  });

  it('exits 3 for an expired or revoked token, with a next step and without the token', async () => {
    for (const token of [SEED_TOKENS.expired, SEED_TOKENS.revoked]) {
      const run = await runCli(['auth', 'status'], { env: env(token) });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('GITLAB_TOKEN');
    }
  });

  it('exits 5 when GitLab cannot be reached, naming the host flag', async () => {
    const run = await runCli(['auth', 'status', '--hostname', 'http://127.0.0.1:1'], { env: env() });
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('--hostname');
  });
});

describe('no secret in output', () => {
  it('no PAT, deploy token value or private key was printed except by the token create that asked for it', () => {
    const secrets = [
      ...Object.values(SEED_TOKENS),
      ...['platform', PROJECT, 'platform/apps/api'].flatMap((ref) => sim.state.deployTokens(ref).map((t) => t.token)),
    ];
    expect(leaksOf(secrets)).toEqual([]);
  });
});
