/**
 * `token|key create --secret` through core's binding, with the real binary, the simulator and
 * the apiserver: a dockerconfigjson Secret that a real cluster accepts, renderer options refused
 * before any GitLab call, one owner whatever the project is called, foreign Secrets refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoreV1Api } from '@kubernetes/client-node';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { runCli } from './support/run-cli.js';

let sim: GitlabSim;
const ns = useNamespace('bind');
const PROJECT = 'platform/apps/web';

beforeAll(async () => {
  sim = await start();
});
afterAll(() => sim.close());

const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: testEnv().kubeconfigPath });
const core = () => testEnv().kubeConfig.makeApiClient(CoreV1Api);
const marked = (name: string) => sim.state.deployTokens(PROJECT).filter((t) => !t.revoked && t.name.startsWith(`${name} glkeys:`));
const projectId = () => sim.state.projects().find((p) => p.pathWithNamespace === PROJECT)!.id;

describe('token create --secret through the binding', () => {
  it('writes a kubernetes.io/dockerconfigjson Secret the apiserver accepts, and keeps it on a re-run', async () => {
    const args = [
      'token',
      'create',
      '--project',
      PROJECT,
      '--name',
      'pull',
      '--scopes',
      'read_registry',
      '--secret',
      'regcred',
      '--namespace',
      ns.name,
      '--format',
      'dockerconfigjson',
      '--registry-host',
      'registry.example.com',
      '--json',
    ];
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(0);
    const secret = await core().readNamespacedSecret({ name: 'regcred', namespace: ns.name });
    expect(secret.type).toBe('kubernetes.io/dockerconfigjson');
    const config = JSON.parse(Buffer.from(secret.data!['.dockerconfigjson']!, 'base64').toString('utf8'));
    expect(config.auths['registry.example.com'].password).toBe(marked('pull')[0]!.token);
    sim.log.clear();
    const again = await runCli(args, { env: env() });
    expect(again.json()).toMatchObject({ secret: { action: 'kept' } });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(`${run.stdout}${run.stderr}${again.stdout}${again.stderr}`).not.toContain(marked('pull')[0]!.token);
  });

  it.each([
    [['--format', 'dockerconfigjson'], '--registry-host'],
    [['--format', 'dockerconfigjson', '--registry-host', 'registry.example.com/v2'], '--registry-host'],
    [['--namespace', 'no-such-namespace'], '--namespace'],
    [['--secret', 'Bad_Name'], '--secret'],
  ])('refuses %j with exit 2, naming %s, and sends nothing to GitLab', async (extra, flag) => {
    sim.log.clear();
    const flags = new Map([
      ['--secret', 'x'],
      ['--namespace', ns.name],
    ]);
    for (let i = 0; i < extra.length; i += 2) flags.set(extra[i]!, extra[i + 1]!);
    const args = ['token', 'create', '--project', PROJECT, '--name', 'x', ...[...flags].flat(), '--json'];
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { field: string; message: string; hint: string } }>().error).toMatchObject({
      field: flag,
      message: expect.stringContaining(flag),
      hint: expect.stringContaining('Nothing was sent'),
    });
    expect(sim.log.count()).toBe(0);
  });

  it('creates a missing namespace only with --create-namespace', async () => {
    const name = `${ns.name}-made`;
    const run = await runCli(
      ['token', 'create', '--project', PROJECT, '--name', 'made', '--secret', 'made', '--namespace', name, '--create-namespace', '--json'],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect((await core().readNamespace({ name })).metadata?.name).toBe(name);
    await core().deleteNamespace({ name });
  });

  it('keeps one credential whether the project is named by path or by ID', async () => {
    const byPath = await runCli(
      ['token', 'create', '--project', PROJECT, '--name', 'same', '--secret', 'same', '--namespace', ns.name, '--json'],
      { env: env() },
    );
    const byId = await runCli(
      ['token', 'create', '--project', String(projectId()), '--name', 'same', '--secret', 'same', '--namespace', ns.name, '--json'],
      { env: env() },
    );
    expect(byId.json()).toMatchObject({ id: byPath.json<{ id: number }>().id, secret: { action: 'kept' } });
    expect(marked('same')).toHaveLength(1);
  });

  it('rotates when the scopes change, leaving one live token', async () => {
    const base = ['token', 'create', '--project', PROJECT, '--name', 'scoped', '--secret', 'scoped', '--namespace', ns.name, '--json'];
    const first = await runCli(base, { env: env() });
    const wider = await runCli([...base, '--scopes', 'read_repository,read_registry'], { env: env() });
    expect(wider.json()).toMatchObject({ secret: { action: 'rotated' } });
    expect(marked('scoped').map((t) => t.id)).toEqual([wider.json<{ id: number }>().id]);
    expect(marked('scoped')[0]!.id).not.toBe(first.json<{ id: number }>().id);
  });

  it('refuses a Secret a person wrote (exit 5, nothing sent), and replaces it only with --take-over', async () => {
    await core().createNamespacedSecret({
      namespace: ns.name,
      body: { metadata: { name: 'handmade' }, stringData: { token: 'precious' } },
    });
    sim.log.clear();
    const args = ['token', 'create', '--project', PROJECT, '--name', 'taken', '--secret', 'handmade', '--namespace', ns.name, '--json'];
    const refused = await runCli(args, { env: env() });
    expect(refused.code).toBe(5);
    expect(refused.json<{ error: { code: string; hint: string } }>().error).toMatchObject({
      code: 'LIFECYCLE',
      hint: expect.stringContaining('--take-over'),
    });
    expect(sim.log.count()).toBe(0);
    const taken = await runCli([...args, '--take-over'], { env: env() });
    expect(taken.code).toBe(0);
    expect(marked('taken')).toHaveLength(1);
  });
});

describe('key create --secret through the binding', () => {
  it('keeps the expiry of a deploy key written to a Secret', async () => {
    const expiresAt = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
    const ssh = await import('./support/ssh-server.js').then((m) => m.startSshServer());
    try {
      const run = await runCli(
        [
          'key',
          'create',
          '--project',
          PROJECT,
          '--title',
          'expiring',
          '--secret',
          'expiring',
          '--namespace',
          ns.name,
          '--ssh-hostname',
          `127.0.0.1:${ssh.port}`,
          '--expires-at',
          expiresAt,
          '--json',
        ],
        { env: env() },
      );
      expect(run.code).toBe(0);
      const id = run.json<{ key: { id: number } }>().key.id;
      expect(
        sim.state
          .deployKeys(PROJECT)
          .find((k) => k.id === id)
          ?.expiresAt?.slice(0, 10),
      ).toBe(expiresAt);
    } finally {
      await ssh.close();
    }
  });
});
