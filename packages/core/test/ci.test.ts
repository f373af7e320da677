import { SEED_PATHS } from '@glkeys/gitlab-sim';
import { afterEach, describe, expect, it } from 'vitest';
import { GitlabValidationError, ValidationError, parseGitlabRef } from '../src/index.js';
import {
  createProjectVariable,
  lintCiConfig,
  listProjectVariables,
  maskingProblem,
  updateProjectVariable,
  variableKeyProblem,
} from '../src/ci/index.js';
import { startSim, type SimClient } from './support/sim.js';

let env: SimClient | undefined;
afterEach(async () => {
  await env?.sim.close();
  env = undefined;
});
const project = parseGitlabRef(SEED_PATHS.project);

describe('CI/CD variable rules', () => {
  it.each([
    ['short', /5 characters long/],
    ['has space inside', /a space/],
    ['ümlaut-value', /non-ASCII/],
    ['line\nbreak-value', /line break/],
    ['dollar$sign-value', /"\$"/],
  ])('should say why %j cannot be masked, without repeating it', (value, reason) => {
    const problem = maskingProblem(value)!;
    expect(problem).toMatch(reason);
    expect(problem).not.toContain(value);
  });

  it('should accept maskable values and valid keys', () => {
    expect(maskingProblem('abc_DEF+=/@:.~-123')).toBeUndefined();
    expect(variableKeyProblem('KESTRA_API_TOKEN')).toBeUndefined();
    expect(variableKeyProblem('KESTRA-TOKEN')).toMatch(/\[A-Za-z0-9_\]/);
    expect(variableKeyProblem('')).toBeDefined();
  });
});

describe('project variables against the simulator', () => {
  it('should create a masked, protected variable, list it and update it', async () => {
    env = await startSim();
    await createProjectVariable(env.client, project, { key: 'KESTRA_API_TOKEN', value: 'token-value-123', masked: true, protected: true });
    const listed = await listProjectVariables(env.client, project);
    expect(listed.find((v) => v.key === 'KESTRA_API_TOKEN')).toMatchObject({ masked: true, protected: true, environmentScope: '*' });
    await updateProjectVariable(env.client, project, { key: 'KESTRA_API_TOKEN', value: 'token-value-456', masked: true, protected: true });
    expect(env.sim.state.variables(SEED_PATHS.project).find((v) => v.key === 'KESTRA_API_TOKEN')!.value).toBe('token-value-456');
  });

  it('should refuse an unmaskable value and a bad key before calling GitLab', async () => {
    env = await startSim();
    env.sim.log.clear();
    await expect(createProjectVariable(env.client, project, { key: 'K', value: 'short', masked: true })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(createProjectVariable(env.client, project, { key: 'bad-key', value: 'x' })).rejects.toMatchObject({
      rule: expect.stringContaining('[A-Za-z0-9_]'),
    });
    expect(env.sim.log.count()).toBe(0);
  });

  it("should surface GitLab's refusal of a duplicate key", async () => {
    env = await startSim();
    await createProjectVariable(env.client, project, { key: 'DUP', value: 'v1' });
    await expect(createProjectVariable(env.client, project, { key: 'DUP', value: 'v2' })).rejects.toBeInstanceOf(GitlabValidationError);
  });
});

describe('CI Lint API', () => {
  it('should report a valid pipeline valid and an invalid one with errors', async () => {
    env = await startSim();
    const ok = await lintCiConfig(env.client, project, 'stages: [test]\nunit:\n  stage: test\n  script: [echo hi]\n');
    expect(ok).toMatchObject({ valid: true, errors: [] });
    const bad = await lintCiConfig(env.client, project, 'unit:\n  stage: nope\n  script: [echo hi]\n');
    expect(bad.valid).toBe(false);
    expect(bad.errors.length).toBeGreaterThan(0);
  });
});
