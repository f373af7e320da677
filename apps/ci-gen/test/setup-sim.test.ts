/** `ci setup` end to end against the GitLab simulator, through @glkeys/core. */
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { createGitlabClient, parseGitlabRef, ValidationError } from '@glkeys/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeSetupPlan, generate, lintRemote, planSetup, readSetupState, type Needs } from '../src/index.js';

const project = parseGitlabRef(SEED_PATHS.project);
const kestra = generate({
  preset: 'kestra',
  options: { kestraVersion: '1.0.4', host: 'https://kestra.example.com', namespaces: ['prod'] },
});
const pull = generate({ preset: 'registry-pull', options: { image: '$CI_REGISTRY_IMAGE/app:1.0.0' } });
const needs: Needs = { variables: kestra.needs.variables, deployTokens: pull.needs.deployTokens };
const values = { KESTRA_VALIDATE_API_TOKEN: 'validate_tok-0123456789', KESTRA_API_TOKEN: 'deploy_tok-0123456789' };

let sim: GitlabSim;
beforeEach(async () => {
  sim = await start();
});
afterEach(() => sim.close());

async function setup(provided: Record<string, string>) {
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.maintainer });
  const current = await readSetupState(client, project);
  const plan = planSetup(needs, current, provided);
  return { plan, result: await executeSetupPlan(client, project, plan, current) };
}

describe('ci setup against the simulator', () => {
  it('should create masked, protected variables and the gitlab-deploy-token once; a re-run writes nothing', async () => {
    const first = await setup(values);
    expect(first.result.writes).toBe(3);
    const variables = sim.state.variables(SEED_PATHS.project);
    expect(variables.find((v) => v.key === 'KESTRA_API_TOKEN')).toMatchObject({ masked: true, protected: true });
    expect(variables.find((v) => v.key === 'KESTRA_VALIDATE_API_TOKEN')).toMatchObject({ masked: true, protected: false });
    const tokens = sim.state.deployTokens(SEED_PATHS.project).filter((t) => t.name === 'gitlab-deploy-token');
    expect(tokens).toHaveLength(1);
    expect(tokens[0]!.scopes).toEqual(['read_registry']);

    sim.log.clear();
    const again = await setup(values);
    expect(again.plan.upToDate).toBe(true);
    expect(again.result.writes).toBe(0);
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.deployTokens(SEED_PATHS.project).filter((t) => t.name === 'gitlab-deploy-token')).toHaveLength(1);
  });

  it('should update a changed value in place', async () => {
    await setup(values);
    const changed = await setup({ ...values, KESTRA_API_TOKEN: 'deploy_tok-rotated-999' });
    expect(changed.result.steps).toContainEqual({ kind: 'updated-variable', key: 'KESTRA_API_TOKEN' });
    expect(sim.state.variables(SEED_PATHS.project).find((v) => v.key === 'KESTRA_API_TOKEN')!.value).toBe('deploy_tok-rotated-999');
  });

  it('should refuse an unmaskable value with the rule it breaks, and make no write at all', async () => {
    sim.log.clear();
    const error = await setup({ ...values, KESTRA_API_TOKEN: 'has spaces in it' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('variables.KESTRA_API_TOKEN');
    expect((error as Error).message).toMatch(/cannot be masked: .*a space/);
    expect((error as Error).message).not.toContain('has spaces in it');
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.variables(SEED_PATHS.project)).toHaveLength(0);
  });

  it('should lint a generated pipeline through the CI Lint API', async () => {
    const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.maintainer });
    expect(await lintRemote(client, project, kestra.yaml)).toEqual({ valid: true, errors: [], warnings: [] });
    const broken = await lintRemote(client, project, 'job:\n  stage: missing\n  script: [true]\n');
    expect(broken.valid).toBe(false);
  });
});
