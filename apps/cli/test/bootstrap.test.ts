/**
 * `glkeys bootstrap gitlab` end to end: the real binary against the GitLab simulator and the
 * real apiserver (kube-testenv). Counts GitLab calls from the simulator's request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { leaksOf, runCli } from './support/run-cli.js';
import { readSecret } from './support/kube.js';
import { startSshServer, type TestSshServer } from './support/ssh-server.js';

let sim: GitlabSim;
let ssh: TestSshServer;
const ns = useNamespace('boot');
let seq = 0;
const repo = () => `fleet-${++seq}`;

beforeAll(async () => {
  sim = await start();
  ssh = await startSshServer();
});
afterAll(async () => {
  await sim.close();
  await ssh.close();
});

function env(token: string = SEED_TOKENS.owner) {
  return { GITLAB_HOST: sim.url, GITLAB_TOKEN: token, KUBECONFIG: testEnv().kubeconfigPath };
}
const liveTokens = (project: string) => sim.state.deployTokens(project).filter((t) => !t.revoked);

describe('bootstrap gitlab --deploy-token-auth on a personal project', () => {
  it('creates the private project, one deploy token, the Flux HTTPS Secret and the sync manifests; a re-run writes nothing', async () => {
    const name = repo();
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'alice',
      '--repository',
      name,
      '--personal',
      '--path',
      'clusters/dev',
      '--deploy-token-auth',
      '--namespace',
      ns.name,
    ];
    const first = await runCli(args, { env: env() });
    expect(first.stderr).toContain('preflight');
    expect(first.code).toBe(0);

    const project = `alice/${name}`;
    expect(sim.state.projects().find((p) => p.pathWithNamespace === project)?.visibility).toBe('private');
    const tokens = liveTokens(project);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.scopes).toEqual(['read_repository']);
    expect(tokens[0]!.name).toMatch(new RegExp(`^${ns.name}-main-flux-system-clusters-dev glkeys:[0-9a-f]{12}/g1$`));

    const secret = await readSecret(ns.name, 'flux-system');
    expect(secret?.data).toEqual({ username: tokens[0]!.username, password: tokens[0]!.token });
    expect(JSON.parse(secret!.annotations['glkeys.io/state']!).current.id).toBe(tokens[0]!.id);
    expect(secret!.managedFields.map((f) => f.manager)).toContain('glkeys');

    const files = sim.state.files(project, 'main');
    const docs = parseAllDocuments(files['clusters/dev/flux-system/gotk-sync.yaml']!).map((d) => d.toJS());
    expect(docs[0]).toMatchObject({
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'GitRepository',
      metadata: { name: ns.name, namespace: ns.name },
      spec: { interval: '1m0s', ref: { branch: 'main' }, secretRef: { name: 'flux-system' }, url: `${sim.url}/${project}.git` },
    });
    expect(docs[1]).toMatchObject({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      spec: { interval: '10m0s', path: './clusters/dev', prune: true, sourceRef: { kind: 'GitRepository', name: ns.name } },
    });
    expect(files['clusters/dev/flux-system/kustomization.yaml']).toContain('gotk-sync.yaml');

    sim.log.clear();
    const again = await runCli([...args, '--json'], { env: env() });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({
      credential: { action: 'kept', id: tokens[0]!.id },
      secret: { written: false },
      commit: { commit: null },
    });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.log.count({ route: 'GET /projects/:id/deploy_tokens/:token_id' })).toBe(1);
    expect((await readSecret(ns.name, 'flux-system'))?.resourceVersion).toBe(secret!.resourceVersion);
  });

  it('--rotate leaves exactly one live token, held by the Secret', async () => {
    const name = repo();
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'alice',
      '--repository',
      name,
      '--personal',
      '--deploy-token-auth',
      '--namespace',
      ns.name,
    ];
    expect((await runCli(args, { env: env() })).code).toBe(0);
    const before = liveTokens(`alice/${name}`)[0]!;
    const rotated = await runCli([...args, '--rotate', '--json'], { env: env() });
    expect(rotated.code).toBe(0);
    expect(rotated.json()).toMatchObject({ credential: { action: 'rotated', revoked: [before.id] } });
    const live = liveTokens(`alice/${name}`);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(before.id);
    expect((await readSecret(ns.name, 'flux-system'))?.data['password']).toBe(live[0]!.token);
  });

  it('repairs a Secret whose token was revoked in GitLab', async () => {
    const name = repo();
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'alice',
      '--repository',
      name,
      '--personal',
      '--deploy-token-auth',
      '--namespace',
      ns.name,
    ];
    expect((await runCli(args, { env: env() })).code).toBe(0);
    const first = liveTokens(`alice/${name}`)[0]!;
    sim.state.revokeDeployToken(first.id);
    const repaired = await runCli([...args, '--json'], { env: env() });
    expect(repaired.json()).toMatchObject({ credential: { action: 'repaired' } });
    const live = liveTokens(`alice/${name}`);
    expect(live).toHaveLength(1);
    expect((await readSecret(ns.name, 'flux-system'))?.data['password']).toBe(live[0]!.token);
  });
});

describe('bootstrap gitlab over SSH in a subgroup', () => {
  it('creates the project in platform/apps as its Maintainer, a read-only ECDSA P-384 deploy key and the Flux SSH Secret', async () => {
    const name = repo();
    const run = await runCli(
      [
        'bootstrap',
        'gitlab',
        '--owner',
        'platform/apps',
        '--repository',
        name,
        '--path',
        'clusters/prod',
        '--ssh-hostname',
        `127.0.0.1:${ssh.port}`,
        '--namespace',
        ns.name,
        '--json',
      ],
      { env: env(SEED_TOKENS.maintainer) },
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const project = `platform/apps/${name}`;
    const keys = sim.state.deployKeys(project);
    expect(keys).toHaveLength(1);
    expect(keys[0]!.canPush).toBe(false);
    expect(keys[0]!.key).toMatch(/^ecdsa-sha2-nistp384 /);

    const secret = await readSecret(ns.name, 'flux-system');
    expect(Object.keys(secret!.data).sort()).toEqual(['identity', 'identity.pub', 'known_hosts']);
    expect(secret!.data['identity']).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(secret!.data['identity.pub']!.split(' ').slice(0, 2)).toEqual(keys[0]!.key.split(' ').slice(0, 2));
    const expectedHosts = ssh.hostKeys.map((k) => `[127.0.0.1]:${ssh.port} ${k.publicKey.split(' ').slice(0, 2).join(' ')}`).sort();
    expect(secret!.data['known_hosts']!.trim().split('\n').sort()).toEqual(expectedHosts);
    expect(run.json()).toMatchObject({
      url: `ssh://git@127.0.0.1:${ssh.port}/${project}.git`,
      credential: { kind: 'deploy-key', fingerprintSha256: keys[0]!.fingerprintSha256 },
    });

    const sync = sim.state.files(project, 'main')['clusters/prod/flux-system/gotk-sync.yaml']!;
    expect(sync).toContain(`url: ssh://git@127.0.0.1:${ssh.port}/${project}.git`);

    sim.log.clear();
    const again = await runCli(
      [
        'bootstrap',
        'gitlab',
        '--owner',
        'platform/apps',
        '--repository',
        name,
        '--path',
        'clusters/prod',
        '--ssh-hostname',
        `127.0.0.1:${ssh.port}`,
        '--namespace',
        ns.name,
      ],
      { env: env(SEED_TOKENS.maintainer) },
    );
    expect(again.code).toBe(0);
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.deployKeys(project)).toHaveLength(1);
  });

  it('finds a moved project through its old path (301) instead of creating a second one', async () => {
    const run = await runCli(
      [
        'bootstrap',
        'gitlab',
        '--owner',
        'platform',
        '--repository',
        'web',
        '--ssh-hostname',
        `127.0.0.1:${ssh.port}`,
        '--read-write-key',
        '--namespace',
        ns.name,
        '--json',
      ],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ project: { path: 'platform/apps/web', created: false } });
    expect(sim.log.count({ route: 'POST /projects' })).toBe(0);
    expect(sim.state.deployKeys('platform/apps/web').filter((k) => k.canPush)).toHaveLength(1);
  });
});

describe('bootstrap gitlab --token-auth', () => {
  it('stores the token itself with username git and creates nothing in GitLab', async () => {
    const name = repo();
    sim.log.clear();
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'alice', '--repository', name, '--personal', '--token-auth', '--namespace', ns.name],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect(sim.log.count({ route: 'POST /projects/:id/deploy_tokens' }) + sim.log.count({ route: 'POST /projects/:id/deploy_keys' })).toBe(
      0,
    );
    expect((await readSecret(ns.name, 'flux-system'))?.data).toEqual({ username: 'git', password: SEED_TOKENS.owner });
  });

  it('reads the token from one line of stdin when GITLAB_TOKEN is unset', async () => {
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'alice', '--repository', repo(), '--personal', '--token-auth', '--namespace', ns.name],
      {
        env: { ...env(), GITLAB_TOKEN: undefined },
        input: `${SEED_TOKENS.owner}\n`,
      },
    );
    expect(run.code).toBe(0);
    expect((await readSecret(ns.name, 'flux-system'))?.data['password']).toBe(SEED_TOKENS.owner);
  });
});

describe('bootstrap gitlab --export', () => {
  it('prints the Secret and the sync manifests without a cluster and commits nothing', async () => {
    const name = repo();
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'alice', '--repository', name, '--personal', '--deploy-token-auth', '--export'],
      {
        env: { ...env(), KUBECONFIG: '/nonexistent/kubeconfig' },
        requested: true,
      },
    );
    expect(run.code).toBe(0);
    const docs = parseAllDocuments(run.stdout).map((d) => d.toJS() as { kind: string; data?: Record<string, string> });
    expect(docs.map((d) => d.kind)).toEqual(['Secret', 'GitRepository', 'Kustomization']);
    const token = liveTokens(`alice/${name}`)[0]!;
    expect(Buffer.from(docs[0]!.data!['password']!, 'base64').toString()).toBe(token.token);
    expect(sim.state.files(`alice/${name}`)).toEqual({});

    // A second export replaces the first one's credential instead of leaving it live.
    const again = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'alice', '--repository', name, '--personal', '--deploy-token-auth', '--export'],
      {
        env: { ...env(), KUBECONFIG: '/nonexistent/kubeconfig' },
        requested: true,
      },
    );
    expect(again.code).toBe(0);
    const exported = parseAllDocuments(again.stdout)[0]!.toJS() as { data: Record<string, string> };
    const live = liveTokens(`alice/${name}`);
    expect(live).toHaveLength(1);
    expect(live[0]!.id).not.toBe(token.id);
    expect(Buffer.from(exported.data['password']!, 'base64').toString()).toBe(live[0]!.token);
  });
});

describe('preflight and bad input', () => {
  it('refuses a read_api token before any write and names the missing scope', async () => {
    sim.log.clear();
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'alice', '--repository', repo(), '--personal', '--namespace', ns.name, '--json'],
      { env: env(SEED_TOKENS.readApi) },
    );
    expect(run.code).toBe(3);
    const error = run.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('"api"');
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it('refuses a Developer and says Maintainer is needed', async () => {
    sim.log.clear();
    const run = await runCli(['bootstrap', 'gitlab', '--owner', 'platform/apps', '--repository', 'web', '--namespace', ns.name], {
      env: env(SEED_TOKENS.developer),
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/Developer.*Maintainer/);
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it.each([
    [['--owner', '', '--repository', 'x'], 'owner'],
    [['--owner', 'alice', '--repository', 'a/b'], 'repository'],
    [['--owner', 'alice', '--repository', 'x', '--branch', 'a..b'], '--branch'],
    [['--owner', 'alice', '--repository', 'x', '--interval', 'soon'], '--interval'],
    [['--owner', 'alice', '--repository', 'x', '--path', '../up'], '--path'],
    [['--owner', 'alice', '--repository', 'x', '--token-auth', '--deploy-token-auth'], 'token-auth'],
    [['--owner', 'alice', '--repository', 'x', '--ssh-hostname', 'git@host'], '--ssh-hostname'],
    [['--owner', 'alice', '--repository', 'x', '--namespace', 'Flux_System'], '--namespace'],
    [['--owner', 'alice', '--repository', 'x', '--visibility', 'secret'], 'visibility'],
    [['--owner', 'alice', '--repository', 'x', '--no-such-flag'], 'no-such-flag'],
  ])('exits 2 with no GitLab call for %j', async (flags, field) => {
    sim.log.clear();
    const run = await runCli(['bootstrap', 'gitlab', ...flags, '--json'], { env: env() });
    expect(run.code).toBe(2);
    expect(JSON.stringify(run.json())).toContain(field);
    expect(sim.log.count()).toBe(0);
  });

  it('accepts Flux spellings --private=false and --token-auth=false', async () => {
    const name = repo();
    const run = await runCli(
      [
        'bootstrap',
        'gitlab',
        '--owner',
        'alice',
        '--repository',
        name,
        '--personal',
        '--private=false',
        '--token-auth=false',
        '--deploy-token-auth',
        '--namespace',
        ns.name,
      ],
      { env: env() },
    );
    expect(run.code).toBe(0);
    expect(sim.state.projects().find((p) => p.pathWithNamespace === `alice/${name}`)?.visibility).toBe('public');
  });
});

describe('no secret in output', () => {
  it('no PAT, deploy token value or private key was printed by any run above (except the --export asked for)', () => {
    const secrets = [
      ...Object.values(SEED_TOKENS),
      ...sim.state.projects().flatMap((p) => sim.state.deployTokens(p.pathWithNamespace).map((t) => t.token)),
    ];
    expect(leaksOf(secrets)).toEqual([]);
  });
});
