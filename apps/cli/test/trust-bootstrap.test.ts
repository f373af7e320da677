/**
 * Issue 12 for `bootstrap gitlab`: --dry-run writes nothing anywhere (GitLab, Kubernetes, git)
 * and says what would be done; --export says on stderr each thing it did in GitLab; a bad
 * --ssh-hostname fails before the project is created. The real binary, the simulator, the
 * real apiserver (kube-testenv) and a real SSH server.
 */
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { leaksOf, runCli } from './support/run-cli.js';
import { readSecret } from './support/kube.js';
import { startSshServer, type TestSshServer } from './support/ssh-server.js';

let sim: GitlabSim;
let ssh: TestSshServer;
const ns = useNamespace('trust-boot');
let seq = 0;
const repo = () => `trust-${++seq}`;

beforeAll(async () => {
  sim = await start();
  ssh = await startSshServer();
});
afterAll(async () => {
  await sim.close();
  await ssh.close();
});
beforeEach(() => sim.log.clear());

const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: testEnv().kubeconfigPath });
const projectExists = (path: string) => sim.state.projects().some((p) => p.pathWithNamespace === path);
type Plan = { dryRun: true; plan: { project: { exists: boolean }; steps: { step: string; action: string; description: string }[] } };

async function namespaceExists(name: string): Promise<boolean> {
  const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
  return core.readNamespace({ name }).then(
    () => true,
    (error: { code?: number }) => {
      if (error.code === 404) return false;
      throw error;
    },
  );
}

describe('bootstrap gitlab --dry-run', () => {
  it('plans a new project, key, Secret and commit with reads only: no project, no key, no Secret, no namespace', async () => {
    const name = repo();
    const missingNs = `${ns.name}-new`;
    const args = ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', name, '--ssh-hostname', `127.0.0.1:${ssh.port}`];
    const run = await runCli([...args, '--namespace', missingNs, '--create-namespace', '--dry-run'], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Plan (dry run, nothing written):');
    expect(run.stdout).toContain(`create project platform/${name} (private)`);
    expect(run.stdout).toContain('create a read-only deploy key (ecdsa p384) on the new project');
    expect(run.stdout).toContain(`commit ${'flux-system/gotk-sync.yaml'} (created)`);
    expect(sim.log.count({ write: true })).toBe(0);
    expect(projectExists(`platform/${name}`)).toBe(false);
    expect(await namespaceExists(missingNs)).toBe(false);
  });

  it('after a real run, plans to keep the live key and commit nothing; after a revoke in GitLab, plans to replace it', async () => {
    const name = repo();
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform',
      '--repository',
      name,
      '--ssh-hostname',
      `127.0.0.1:${ssh.port}`,
      '--namespace',
      ns.name,
    ];
    expect((await runCli(args, { env: env() })).code).toBe(0);
    const before = await readSecret(ns.name, 'flux-system');
    sim.log.clear();
    const plan = await runCli([...args, '--dry-run', '--json'], { env: env() });
    expect(plan.code).toBe(0);
    const steps = plan.json<Plan>().plan.steps;
    expect(
      steps.find((s) => s.step === 'credential'),
      JSON.stringify(steps),
    ).toMatchObject({ action: 'keep' });
    expect(steps.find((s) => s.step === 'commit')).toMatchObject({ action: 'none' });
    expect(sim.log.count({ write: true })).toBe(0);

    const key = sim.state.deployKeys(`platform/${name}`)[0]!;
    expect((await runCli(['key', 'delete', String(key.id), '--project', `platform/${name}`], { env: env() })).code).toBe(0);
    sim.log.clear();
    const replan = await runCli([...args, '--dry-run', '--json'], { env: env() });
    expect(replan.json<Plan>().plan.steps.find((s) => s.step === 'credential')).toMatchObject({ action: 'replace' });
    expect(sim.log.count({ write: true })).toBe(0);
    expect((await readSecret(ns.name, 'flux-system'))?.resourceVersion).toBe(before?.resourceVersion);
  });
});

describe('bootstrap gitlab --export', () => {
  it('says on stderr the project and credential it created, and on a re-run the one it revoked', async () => {
    const name = repo();
    const args = ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', name, '--deploy-token-auth', '--export'];
    const first = await runCli(args, { env: env(), requested: true });
    expect(first.code).toBe(0);
    const [token] = sim.state.deployTokens(`platform/${name}`);
    expect(first.stderr).toContain(`GitLab: created project platform/${name}`);
    expect(first.stderr).toContain(`GitLab: created deploy token ${token!.id} on platform/${name}; it does not expire`);
    const plan = await runCli([...args, '--dry-run'], { env: env() });
    expect(plan.stdout).toContain(`revoke ${token!.id} (made by an earlier export of this Secret)`);
    const second = await runCli(args, { env: env(), requested: true });
    expect(second.stderr).toContain(`GitLab: revoked ${token!.id} (made by an earlier export of this Secret).`);
    expect(second.stderr).not.toContain('created project');
  });
});

describe('bootstrap gitlab with an SSH host that cannot be scanned', () => {
  it('fails naming --ssh-hostname before anything is created: no project, 0 GitLab writes', async () => {
    const name = repo();
    const run = await runCli(
      [
        'bootstrap',
        'gitlab',
        '--owner',
        'platform',
        '--repository',
        name,
        '--ssh-hostname',
        '127.0.0.1:1',
        '--namespace',
        ns.name,
        '--json',
      ],
      { env: env() },
    );
    expect(run.code).toBe(5);
    const { error } = run.json<{ error: { field: string; message: string } }>();
    expect(error.field).toBe('--ssh-hostname');
    expect(error.message).toMatch(/^--ssh-hostname: could not read the SSH host keys of 127\.0\.0\.1:1/);
    expect(sim.log.count({ write: true })).toBe(0);
    expect(projectExists(`platform/${name}`)).toBe(false);
  });

  it('--token-auth over a Secret glkeys manages is refused before the project is created', async () => {
    const first = repo();
    const secret = ['--namespace', ns.name, '--secret-name', 'managed'];
    expect(
      (
        await runCli(['bootstrap', 'gitlab', '--owner', 'platform', '--repository', first, '--deploy-token-auth', ...secret], {
          env: env(),
        })
      ).code,
    ).toBe(0);
    const name = repo();
    sim.log.clear();
    const run = await runCli(['bootstrap', 'gitlab', '--owner', 'platform', '--repository', name, '--token-auth', ...secret, '--json'], {
      env: env(),
    });
    expect(run.code).toBe(2);
    expect(run.json<{ error: { field: string } }>().error.field).toBe('--secret-name');
    expect(sim.log.count({ write: true })).toBe(0);
    expect(projectExists(`platform/${name}`)).toBe(false);
  });

  it('leaks no secret outside --export', () => {
    expect(leaksOf(sim.state.projects().flatMap((p) => sim.state.deployTokens(p.pathWithNamespace).map((t) => t.token)))).toEqual([]);
  });
});
