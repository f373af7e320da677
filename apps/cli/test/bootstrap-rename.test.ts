/**
 * `glkeys bootstrap gitlab --repository <name>` for a project whose path (slug) was renamed: the
 * real binary finds it by its display name in the subgroup instead of creating a duplicate, and
 * the Secret and the sync manifests point at its real path.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { SEED_TOKENS, defaultSeed, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv, useNamespace } from '@glkeys/kube-testenv/vitest';
import { leaksOf, runCli } from './support/run-cli.js';
import { readSecret } from './support/kube.js';

let sim: GitlabSim;
const ns = useNamespace('rename');
const REAL = 'platform/apps/fleet-infra-renamed';

beforeAll(async () => {
  const seed = defaultSeed();
  seed.projects!.push(
    { path: 'fleet-infra-renamed', name: 'fleet-infra', namespace: 'platform/apps', files: { 'README.md': '# fleet\n' } },
    { path: 'ops-a', name: 'ops', namespace: 'platform/apps' },
    { path: 'ops-b', name: 'ops', namespace: 'platform/apps' },
    { path: 'fleet-prod', name: 'Fleet Prod', namespace: 'platform/apps' },
  );
  sim = await start({ seed });
});
afterAll(() => sim.close());

const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.maintainer, KUBECONFIG: testEnv().kubeconfigPath });

describe('bootstrap gitlab for a project whose path differs from its name', () => {
  it('finds "fleet-infra" at platform/apps/fleet-infra-renamed with 0 project creations; a re-run writes nothing', async () => {
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform/apps',
      '--repository',
      'fleet-infra',
      '--path',
      'clusters/dev',
      '--deploy-token-auth',
      '--namespace',
      ns.name,
      '--json',
    ];
    const run = await runCli(args, { env: env() });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(sim.log.count({ route: 'POST /projects' })).toBe(0);
    expect(sim.state.projects().filter((p) => p.pathWithNamespace.startsWith('platform/apps/fleet-infra'))).toHaveLength(1);
    expect(run.json()).toMatchObject({ project: { path: REAL, created: false }, url: `${sim.url}/${REAL}.git` });

    const tokens = sim.state.deployTokens(REAL).filter((t) => !t.revoked);
    expect(tokens).toHaveLength(1);
    const secret = await readSecret(ns.name, 'flux-system');
    expect(secret?.data).toEqual({ username: tokens[0]!.username, password: tokens[0]!.token });

    const sync = parseAllDocuments(sim.state.files(REAL, 'main')['clusters/dev/flux-system/gotk-sync.yaml']!).map((d) => d.toJS());
    expect(sync[0]).toMatchObject({ kind: 'GitRepository', spec: { url: `${sim.url}/${REAL}.git`, secretRef: { name: 'flux-system' } } });

    sim.log.clear();
    const again = await runCli(args, { env: env() });
    expect(again.code).toBe(0);
    expect(again.json()).toMatchObject({ project: { path: REAL, created: false }, credential: { action: 'kept' } });
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it('refuses a name two projects share, listing both paths, with no GitLab write', async () => {
    sim.log.clear();
    const run = await runCli(
      ['bootstrap', 'gitlab', '--owner', 'platform/apps', '--repository', 'ops', '--deploy-token-auth', '--namespace', ns.name, '--json'],
      { env: env() },
    );
    expect(run.code).toBe(5);
    const error = run.json<{ error: { code: string; message: string } }>().error;
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toContain('platform/apps/ops-a, platform/apps/ops-b');
    expect(sim.log.count({ write: true })).toBe(0);
  });

  it('takes a display name with a space ("Fleet Prod") and bootstraps platform/apps/fleet-prod', async () => {
    const args = [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform/apps',
      '--repository',
      'Fleet Prod',
      '--path',
      'clusters/prod',
      '--token-auth',
      '--namespace',
      ns.name,
      '--secret-name',
      'fleet-prod',
      '--json',
    ];
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      project: { path: 'platform/apps/fleet-prod', created: false },
      url: `${sim.url}/platform/apps/fleet-prod.git`,
    });
    expect(sim.log.count({ route: 'POST /projects' })).toBe(0);
    const calls = sim.log.count({});
    const bad = await runCli([...args.slice(0, 5), 'Fleet;Prod', ...args.slice(6)], { env: env() });
    expect(bad.code).toBe(2);
    expect(bad.json()).toMatchObject({ error: { code: 'VALIDATION', field: '--repository', rule: 'project path or name' } });
    expect(sim.log.count({})).toBe(calls);
  });

  it('printed no token', () => {
    const secrets = [SEED_TOKENS.maintainer, ...sim.state.deployTokens(REAL).map((t) => t.token)];
    expect(leaksOf(secrets)).toEqual([]);
  });
});
