/**
 * The CLI does what was asked and answers in the user's words: URLs GitLab shows are accepted,
 * every help says where the token comes from, a typo in --namespace creates nothing, a kept
 * token is reported as GitLab holds it, a plain-HTTP host is named, and a wait is said on a
 * terminal. The real binary against the simulator and the apiserver.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { COMMON_FIELD_FLAGS, flagOf } from '../src/lib/field-flags.js';
import { BIN, CLI_DIR, runCli } from './support/run-cli.js';
import { startSshServer, type TestSshServer } from './support/ssh-server.js';

let sim: GitlabSim;
let ssh: TestSshServer;
let host: string;
const ns = useNamespace('language');
const P = 'platform/apps/web';

beforeAll(async () => {
  sim = await start();
  ssh = await startSshServer();
  host = new URL(sim.url).host;
});
afterAll(async () => {
  await sim.close();
  await ssh.close();
});

const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: testEnv().kubeconfigPath });
const paths = () => sim.log.entries().map((e) => `${e.method} ${e.path}`);

describe('references as GitLab shows them', () => {
  it.each([
    ['--group', () => `${sim.url}/groups/platform/apps`, 'groups/platform%2Fapps/deploy_tokens'],
    ['--group', () => `${sim.url}/groups/platform/apps/-/settings/repository`, 'groups/platform%2Fapps/deploy_tokens'],
    ['--project', () => `git@${host.split(':')[0]}:platform/apps/web.git`, 'projects/platform%2Fapps%2Fweb/deploy_tokens'],
    ['--project', () => `${sim.url}/platform/apps/web.git`, 'projects/platform%2Fapps%2Fweb/deploy_tokens'],
    ['--project', () => `${sim.url}/platform/apps/web/-/settings/repository`, 'projects/platform%2Fapps%2Fweb/deploy_tokens'],
  ])('token list %s %s asks GitLab for the right target', async (flag, value, path) => {
    sim.log.clear();
    const run = await runCli(['token', 'list', flag, value(), '--json'], { env: env() });
    expect(run.code).toBe(0);
    expect(paths().some((p) => p.endsWith(path))).toBe(true);
  });
});

describe('help', () => {
  it('says where the GitLab token comes from in every command, or that none is needed', () => {
    const manifest = JSON.parse(readFileSync(`${CLI_DIR}/oclif.manifest.json`, 'utf8')) as {
      commands: Record<string, { flags: Record<string, unknown> }>;
    };
    const ids = Object.keys(manifest.commands);
    expect(ids.length).toBeGreaterThanOrEqual(17);
    for (const id of ids) {
      const help = execFileSync(process.execPath, [BIN, ...id.split(':'), '--help'], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1' },
      });
      expect(help, id).toContain('GITLAB TOKEN');
      expect(help, id).toMatch(
        'hostname' in manifest.commands[id]!.flags ? /GITLAB_TOKEN, else a no-echo prompt/ : /makes no GitLab API call/,
      );
    }
    const expiresIn = execFileSync(process.execPath, [BIN, 'token', 'create', '--help'], { encoding: 'utf8' });
    expect(expiresIn).toMatch(/12h, 90m, 30d, 2w/);
  });

  it('maps every core field a command reports to a flag that command has', () => {
    const manifest = JSON.parse(readFileSync(`${CLI_DIR}/oclif.manifest.json`, 'utf8')) as {
      commands: Record<string, { flags: Record<string, unknown> }>;
    };
    for (const [id, command] of Object.entries(manifest.commands)) {
      const flags = Object.keys(command.flags);
      for (const field of Object.keys(COMMON_FIELD_FLAGS)) {
        const flag = flagOf(field, {}, flags);
        if (flag?.startsWith('--')) expect(flags, `${id}: ${field}`).toContain(flag.slice(2));
      }
    }
    // A deploy key's name is its title; a token's is --name.
    expect(flagOf('name', { name: '--title' }, ['title'])).toBe('--title');
    expect(flagOf('name', {}, ['name'])).toBe('--name');
    expect(flagOf('expiresAfter', {}, ['expires-in'])).toBe('--expires-in');
    expect(flagOf('expiresAfter', {}, ['name'])).toBeUndefined();
  });
});

describe('--namespace', () => {
  const namespaceExists = async (name: string) =>
    testEnv()
      .kubeConfig.makeApiClient(CoreV1Api)
      .readNamespace({ name })
      .then(
        () => true,
        () => false,
      );

  it('a typo creates no namespace and sends nothing to GitLab, in every command that writes a Secret', async () => {
    const typo = `${ns.name}-typo`;
    for (const args of [
      ['token', 'create', '--project', P, '--name', 'x', '--secret', 's'],
      ['token', 'rotate', '--project', P, '--name', 'x', '--secret', 's'],
      ['key', 'create', '--project', P, '--title', 't', '--secret', 's', '--ssh-hostname', `127.0.0.1:${ssh.port}`],
      ['key', 'rotate', '--project', P, '--title', 't', '--secret', 's', '--ssh-hostname', `127.0.0.1:${ssh.port}`],
      ['bootstrap', 'gitlab', '--owner', 'platform/apps', '--repository', 'web', '--deploy-token-auth'],
      ['bootstrap', 'git', '--url', 'https://127.0.0.1:1/x.git'],
    ]) {
      sim.log.clear();
      const run = await runCli([...args, '--namespace', typo], { env: { ...env(), GIT_PASSWORD: 'p' } });
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toContain(typo);
      expect(await namespaceExists(typo), args.join(' ')).toBe(false);
      expect(sim.log.count({ write: true }), args.join(' ')).toBe(0);
    }
  });
});

describe('token create --secret on a Secret that holds a live token', () => {
  it('reports the kept token as GitLab holds it: its scopes and username, not the flags of this run', async () => {
    const base = ['token', 'create', '--project', P, '--name', 'kept', '--secret', 'kept', '--namespace', ns.name, '--json'];
    const first = await runCli([...base, '--scopes', 'read_repository,read_registry'], { env: env() });
    expect(first.code).toBe(0);
    const again = await runCli([...base, '--scopes', 'read_registry,read_repository'], { env: env() });
    const body = again.json<{ id: number; username: string | null; scopes: string[]; secret: { action: string } }>();
    expect(body.secret.action).toBe('kept');
    const row = sim.state.deployTokens(P).find((t) => t.id === body.id)!;
    expect(body.scopes).toEqual([...row.scopes]);
    expect(body.username).toBe(row.username);
    expect(body.username).not.toBe('');
  });
});

describe('a host that answers plain HTTP', () => {
  it('says so when the host was given without a scheme, without retrying', async () => {
    sim.log.clear();
    const run = await runCli(['token', 'list', '--project', P, '--hostname', host], { env: env() });
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/answered plain HTTP/);
    expect(run.stderr).toContain(`http://`);
  });
});

describe('waits on a terminal', () => {
  it('says that GitLab asked to wait, on stderr of a terminal', async () => {
    sim.setFaults([{ route: 'GET /projects/:id/deploy_tokens', kind: 'status', status: 429, count: 1, retryAfterSeconds: 2 }]);
    const session = `glkeys-wait-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    const command = `GITLAB_HOST=${sim.url} GITLAB_TOKEN=${SEED_TOKENS.owner} ${process.execPath} ${BIN} token list --project ${P}; sleep 30`;
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '50', command);
    try {
      let screen = '';
      for (let i = 0; i < 300 && !/No deploy tokens|ID\s+NAME/.test(screen); i += 1) {
        await sleep(100);
        screen = tmux('capture-pane', '-p', '-t', session);
      }
      expect(screen).toMatch(/GitLab asked to wait 2 s \(HTTP 429 on GET projects\/platform%2Fapps%2Fweb\/deploy_tokens\)/);
    } finally {
      tmux('kill-session', '-t', session);
      sim.setFaults([]);
    }
  });
});
