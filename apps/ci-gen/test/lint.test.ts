import { describe, expect, it } from 'vitest';
import { lint } from '../src/index.js';

describe('lint', () => {
  it('accepts a valid pipeline, including !reference tags', async () => {
    const text = '.setup:\n  script: [echo setup]\njob:\n  script:\n    - !reference [.setup, script]\n    - echo run\n';
    expect(await lint(text)).toEqual({ valid: true, errors: [] });
  });

  it('reports unknown keys and wrong types with their path', async () => {
    const result = await lint('job:\n  script: [echo]\n  interruptible: sometimes\n  scirpt: x\n');
    expect(result.valid).toBe(false);
    expect(result.errors).toEqual(
      expect.arrayContaining([
        { path: '/job', message: 'unknown key "scirpt"' },
        { path: '/job/interruptible', message: 'must be boolean' },
      ]),
    );
  });

  it('reports YAML syntax errors and non-mapping documents', async () => {
    expect((await lint('job: [\n')).valid).toBe(false);
    expect(await lint('- a\n')).toEqual({
      valid: false,
      errors: [{ path: '', message: 'a pipeline must be a mapping of keywords and jobs' }],
    });
  });
});
