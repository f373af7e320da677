import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

// API_Entities_Ci_Lint_Result in GitLab's OpenAPI subset.
const LINT_FIELDS = ['valid', 'errors', 'warnings', 'merged_yaml', 'includes', 'jobs'];

describe('POST /projects/:id/ci/lint', () => {
  const h = useSim();
  const lint = (body: unknown, token: string = SEED_TOKENS.developer) =>
    call(h.sim, 'POST', `/projects/${enc(SEED_PATHS.project)}/ci/lint`, { token, body });

  it('accepts a valid pipeline and lists its jobs when include_jobs', async () => {
    const content = [
      'stages: [validate, deploy]',
      '.base:',
      '  image: alpine',
      'validate:',
      '  extends: .base',
      '  stage: validate',
      '  script: [echo ok]',
      'deploy:',
      '  stage: deploy',
      '  needs: [validate]',
      '  script:',
      '    - echo deploy',
      '  rules:',
      '    - if: $CI_COMMIT_BRANCH == "main"',
    ].join('\n');
    const r = await lint({ content, include_jobs: true });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body).sort()).toEqual([...LINT_FIELDS].sort());
    expect(r.body.valid).toBe(true);
    expect(r.body.errors).toEqual([]);
    expect(r.body.merged_yaml).toContain('validate');
    // Psych's layout: a document header, sequences flush with their key.
    expect(r.body.merged_yaml.startsWith('---\n')).toBe(true);
    expect(r.body.merged_yaml).toContain('\nstages:\n- validate\n- deploy\n');
    expect(r.body.merged_yaml).toContain('\n  script:\n  - echo deploy\n');
    expect(r.body.jobs.map((j: { name: string; stage: string }) => `${j.name}@${j.stage}`)).toEqual(['validate@validate', 'deploy@deploy']);
  });

  it.each([
    ['build:\n  stage: build\n', 'jobs:build config should implement the script:, run:, or trigger: keyword'],
    [
      'stages: [build]\ntest:\n  stage: test\n  script: [x]\n',
      'test job: chosen stage test does not exist; available stages are .pre, build, .post',
    ],
    ['a:\n  script: [x]\n  needs: [b]\n', 'a job: undefined need: b'],
    ['a:\n  script: [x]\n  scirpt: [y]\n', 'jobs:a config contains unknown keys: scirpt'],
    ['.hidden:\n  script: [x]\n', 'jobs config should contain at least one visible job'],
    ['foo: bar\na:\n  script: [x]\n', 'jobs:foo config should be a hash'],
    ['a:\n  extends: .nope\n  script: [x]\n', 'a: unknown keys in `extends` (.nope)'],
    // The same checks as ci-gen's offline lint (@glkeys/gitlab-ci-schema's checkConfig).
    [
      'a:\n  stage: build\n  script: [x]\n  needs: [b]\nb:\n  stage: deploy\n  script: [x]\n',
      'a job: need b is not defined in current or prior stages',
    ],
    ['a:\n  script:\n    - !reference [.nope, script]\n', '!reference [".nope", "script"] could not be found'],
    ['a:\n  extends: b\n  script: [x]\nb:\n  extends: a\n  script: [x]\n', 'a: circular dependency detected in `extends`'],
  ])('reports %j as invalid: %s', async (content, message) => {
    const r = await lint({ content });
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors).toContain(message);
  });

  it('reports YAML syntax errors and missing content', async () => {
    const bad = await lint({ content: 'a: [unclosed' });
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors[0]).toMatch(/^\(<unknown>\): /);
    const missing = await lint({});
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ error: 'content is missing' });
  });

  it('hides the project from outsiders', async () => {
    expect((await lint({ content: 'a: {script: [x]}' }, SEED_TOKENS.outsider)).status).toBe(404);
  });
});
