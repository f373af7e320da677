import { describe, expect, it } from 'vitest';
import { validateCiYaml } from '../src/index.js';

describe('validateCiYaml', () => {
  it('should accept a small valid pipeline, !reference tags included', async () => {
    const yaml = [
      '.base:',
      '  script: [echo base]',
      'stages: [test]',
      'unit:',
      '  stage: test',
      '  script:',
      '    - !reference [.base, script]',
      '    - echo unit',
      '  rules:',
      '    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    ].join('\n');
    expect(await validateCiYaml(yaml)).toEqual({ valid: true, errors: [] });
  });

  it.each([
    ['an unknown job keyword', 'unit:\n  script: [true]\n  scirpt: [oops]\n', /unknown key "scirpt"/],
    ['a wrong type', 'unit:\n  script: [true]\n  interruptible: "yes"\n', /boolean/],
    ['an unknown when', 'unit:\n  script: [true]\n  when: sometimes\n', /must be one of/],
    ['YAML that does not parse', 'unit: [\n', /.+/],
    ['a scalar document', 'just text\n', /mapping/],
  ])('should refuse %s with a path and a reason', async (_label, yaml, message) => {
    const result = await validateCiYaml(yaml);
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.message).join('\n')).toMatch(message);
  });
});
