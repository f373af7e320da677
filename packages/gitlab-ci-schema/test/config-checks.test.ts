import { describe, expect, it } from 'vitest';
import { validateCiYaml } from '../src/index.js';

const messages = async (yaml: string, files: Record<string, string> = {}) => {
  const result = await validateCiYaml(yaml, { readLocal: async (path) => files[path] });
  return { ...result, messages: result.errors.map((e) => e.message) };
};

// Each refused the way GitLab's config parser refuses it, in GitLab's words.
const REFUSED: [string, string, string][] = [
  [
    'a job in a stage the default list lacks',
    'a:\n  stage: validate\n  script: [x]\n',
    'a job: chosen stage validate does not exist; available stages are .pre, build, test, deploy, .post',
  ],
  [
    'a job without stage (test) when stages omit test',
    'stages: [build]\na:\n  script: [x]\n',
    'a job: chosen stage test does not exist; available stages are .pre, build, .post',
  ],
  ['needs on a missing job', 'a:\n  script: [x]\n  needs: [b]\n', 'a job: undefined need: b'],
  ['needs on a hidden job', '.b:\n  script: [x]\na:\n  script: [x]\n  needs: [.b]\n', 'a job: undefined need: .b'],
  [
    'needs on a job of a later stage',
    'a:\n  stage: build\n  script: [x]\n  needs: [b]\nb:\n  stage: deploy\n  script: [x]\n',
    'a job: need b is not defined in current or prior stages',
  ],
  ['needs in rules on a missing job', 'a:\n  script: [x]\n  rules:\n    - needs: [b]\n', 'a job: undefined need: b'],
  ['needs listed twice', 'b:\n  script: [x]\na:\n  script: [x]\n  needs: [b, b]\n', 'a has the following needs duplicated: b.'],
  [
    'a needs cycle within a stage',
    'a:\n  script: [x]\n  needs: [b]\nb:\n  script: [x]\n  needs: [a]\n',
    'The pipeline has circular dependencies',
  ],
  ['dependencies on a missing job', 'a:\n  script: [x]\n  dependencies: [b]\n', 'a job: undefined dependency: b'],
  [
    'dependencies on a later stage',
    'a:\n  stage: build\n  script: [x]\n  dependencies: [b]\nb:\n  script: [x]\n',
    'a job: dependency b is not defined in current or prior stages',
  ],
  ['extends a missing template', 'a:\n  extends: .nope\n  script: [x]\n', 'a: unknown keys in `extends` (.nope)'],
  ['extends a scalar', 'x: 1\na:\n  extends: [x]\n  script: [y]\n', 'a: invalid base hashes in `extends` (x)'],
  [
    'an extends cycle',
    'a:\n  extends: b\n  script: [x]\nb:\n  extends: a\n  script: [x]\n',
    'a: circular dependency detected in `extends`',
  ],
  [
    'extends nested deeper than GitLab allows',
    [
      'a:\n  script: [x]\n  extends: .t1',
      ...Array.from({ length: 12 }, (_, i) => `.t${i + 1}:\n  extends: .t${i + 2}`),
      '.t13:\n  stage: test',
    ].join('\n'),
    '.t11: nesting too deep in `extends`',
  ],
  [
    'a !reference to a missing job',
    'a:\n  script:\n    - !reference [.nope, script]\n',
    '!reference [".nope", "script"] could not be found',
  ],
  [
    'a !reference in rules to a missing key',
    '.r:\n  script: [x]\na:\n  script: [x]\n  rules: !reference [.r, rules]\n',
    '!reference [".r", "rules"] could not be found',
  ],
  ['an empty !reference', 'a:\n  script: !reference []\n', '!reference [] is not valid'],
  [
    'an on_stop job that does not exist',
    'a:\n  script: [x]\n  environment: {name: review, on_stop: stop}\n',
    'a job: on_stop job stop is not defined',
  ],
  [
    'an on_stop job without action stop',
    'a:\n  script: [x]\n  environment: {name: review, on_stop: stop}\nstop:\n  script: [x]\n  environment: {name: review}\n',
    'a job: on_stop job stop needs to have action stop defined',
  ],
  ['only hidden jobs', '.a:\n  script: [x]\n', 'jobs config should contain at least one visible job'],
];

describe("GitLab's config checks beyond the schema", () => {
  it.each(REFUSED)('refuses %s', async (_label, yaml, message) => {
    const result = await messages(yaml);
    expect(result.valid).toBe(false);
    expect(result.messages).toContain(message);
    expect(result.errors.find((e) => e.message === message)?.check).toBe('config');
  });

  it.each([
    [
      'default stages with .pre and .post',
      'p:\n  stage: .pre\n  script: [x]\nb:\n  stage: build\n  script: [x]\nz:\n  stage: .post\n  script: [x]\n',
    ],
    [
      'needs on the same stage and an earlier one',
      'a:\n  stage: build\n  script: [x]\nb:\n  script: [x]\n  needs: [a, c]\nc:\n  script: [x]\n',
    ],
    ['optional needs on a missing job', 'a:\n  script: [x]\n  needs: [{job: b, optional: true}]\n'],
    [
      'cross-project and parent-pipeline needs',
      'a:\n  script: [x]\n  needs: [{project: g/p, job: b, ref: main}, {pipeline: $PARENT_PIPELINE_ID, job: c}]\n',
    ],
    ['needs on a parallel job instance', 'b:\n  stage: build\n  parallel: 2\n  script: [x]\na:\n  script: [x]\n  needs: ["b 1/2", b]\n'],
    ['a stage coming from extends', 'stages: [v]\n.t:\n  stage: v\na:\n  extends: .t\n  script: [x]\n'],
    ['a !reference resolved after extends', '.base:\n  script: [x]\n.t:\n  extends: .base\na:\n  script:\n    - !reference [.t, script]\n'],
    [
      'eleven levels of extends',
      [
        'a:\n  script: [x]\n  extends: .t1',
        ...Array.from({ length: 10 }, (_, i) => `.t${i + 1}:\n  extends: .t${i + 2}`),
        '.t11:\n  stage: test',
      ].join('\n'),
    ],
    [
      'a matching on_stop job',
      'a:\n  script: [x]\n  environment: {name: r, on_stop: s}\ns:\n  script: [x]\n  when: manual\n  environment: {name: r, action: stop}\n',
    ],
  ])('accepts %s', async (_label, yaml) => {
    expect(await messages(yaml)).toMatchObject({ valid: true, messages: [] });
  });

  it('merges local includes: their stages, jobs and templates count, the including file wins', async () => {
    const files = {
      'ci/stages.yml': 'stages: [lint, build]\n.t:\n  stage: lint\n',
      'ci/jobs.yml': 'include: [{local: /ci/stages.yml}]\nb:\n  stage: build\n  script: [x]\n',
    };
    const main = 'include:\n  - local: /ci/jobs.yml\na:\n  extends: .t\n  script: [x]\n  needs: [b]\n';
    // `a` (lint) needs `b` (build, a later stage).
    expect((await messages(main, files)).messages).toEqual(['a job: need b is not defined in current or prior stages']);
    const fixed = `stages: [build, lint]\n${main}`;
    expect(await messages(fixed, files)).toMatchObject({ valid: true, messages: [] });
    expect((await messages('include: /missing.yml\na:\n  script: [x]\n')).messages).toEqual(['Local file `/missing.yml` does not exist!']);
  });

  it('skips only what an unread include could define, and says so', async () => {
    const yaml =
      'include:\n  - project: g/ci\n    file: /t.yml\na:\n  extends: .remote\n  stage: remote-stage\n  script: [x]\n  needs: [remote-job]\n';
    const result = await messages(yaml);
    expect(result).toMatchObject({ valid: true, messages: [] });
    expect(result.warnings?.[0]).toMatch(/is not read offline/);
    // What this file decides itself is still checked: its own stages list wins over any include.
    const own = await messages(`stages: [build]\n${yaml}`);
    expect(own.messages).toEqual([expect.stringMatching(/^a job: chosen stage remote-stage does not exist/)]);
  });
});
