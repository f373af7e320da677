import { describe, expect, it } from 'vitest';
import { renderPipeline, secretLiteralReason, unpinnedReason, validatePipeline, ValidationError, type Pipeline } from '../src/index.js';

function base(): Pipeline {
  return {
    stages: ['test', 'deploy'],
    jobs: {
      deploy: { stage: 'deploy', needs: ['unit'], script: ['./deploy.sh'], interruptible: false, resource_group: 'prod' },
      unit: { stage: 'test', script: ['npm test'], interruptible: true, comment: 'Unit tests.' },
    },
  };
}

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return `${e.field} | ${e.rule}`;
    throw e;
  }
  return undefined;
}

describe('renderPipeline', () => {
  it('orders top-level keys and jobs by stage, and job keys in a fixed order', () => {
    const pipeline: Pipeline = {
      ...base(),
      variables: { A: '1' },
      default: { interruptible: true, image: 'node:20.19.0' },
      include: [{ local: '/x.yml' }],
      workflow: { rules: [{ if: '$CI_COMMIT_BRANCH' }] },
    };
    const text = renderPipeline(pipeline);
    const keys = text
      .split('\n')
      .filter((l) => /^[a-z]/.test(l))
      .map((l) => l.split(':')[0]);
    expect(keys).toEqual(['workflow', 'include', 'stages', 'default', 'variables', 'unit', 'deploy']);
    const deploy = text.slice(text.indexOf('\ndeploy:'));
    expect(deploy.indexOf('stage:')).toBeLessThan(deploy.indexOf('needs:'));
    expect(deploy.indexOf('resource_group:')).toBeLessThan(deploy.indexOf('script:'));
    expect(text).toContain('# Unit tests.\nunit:');
  });

  it('renders the same text twice (stable output)', () => {
    expect(renderPipeline(base())).toBe(renderPipeline(base()));
  });
});

describe('validatePipeline', () => {
  it.each<[string, (p: Pipeline) => void, RegExp]>([
    [
      'unknown stage',
      (p) => {
        p.jobs.unit!.stage = 'lint';
      },
      /^jobs\.unit\.stage \| stage "lint" is not listed/,
    ],
    [
      'need of a missing job',
      (p) => {
        p.jobs.deploy!.needs = ['build'];
      },
      /^jobs\.deploy\.needs\[0\] \| needs "build"/,
    ],
    [
      'need from a later stage',
      (p) => {
        p.jobs.unit!.needs = ['deploy'];
      },
      /later stage/,
    ],
    [
      'reserved job name',
      (p) => {
        p.jobs.variables = { stage: 'test', script: ['x'] };
      },
      /^jobs\.variables \| .*reserved/,
    ],
    [
      'empty script',
      (p) => {
        p.jobs.unit!.script = [];
      },
      /^jobs\.unit\.script/,
    ],
    [
      'bad variable key',
      (p) => {
        p.variables = { 'BAD-KEY': 'x' };
      },
      /^variables\.BAD-KEY \| variable key must match/,
    ],
    [
      'duplicate stage',
      (p) => {
        p.stages = ['test', 'test', 'deploy'];
      },
      /listed twice/,
    ],
    [
      'PAT literal',
      (p) => {
        p.variables = { GITLAB: 'glpat-abcdefghijklmnopqrst' };
      },
      /^variables\.GITLAB \| value looks like a GitLab token \(glpat-…\)/,
    ],
    [
      'deploy token literal',
      (p) => {
        p.jobs.unit!.variables = { X: 'gldt-abcdefghijklmnopqrst' };
      },
      /^jobs\.unit\.variables\.X \| .*gldt-/,
    ],
    [
      'private key',
      (p) => {
        p.variables = { KEY: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc' };
      },
      /private key/,
    ],
    [
      'high-entropy literal',
      (p) => {
        p.variables = { X: 'q8Zr3NfT0pLw9XvB2mKc7Hs' };
      },
      /high-entropy/,
    ],
    [
      'literal under a credential name',
      (p) => {
        p.variables = { DB_PASSWORD: 'hunter2' };
      },
      /credential name/,
    ],
  ])('refuses %s, naming the path and rule', (_name, mutate, expected) => {
    const p = base();
    mutate(p);
    expect(fieldOf(() => validatePipeline(p))).toMatch(expected);
  });

  it('never repeats the secret in the error', () => {
    const p = base();
    p.variables = { X: 'glpat-abcdefghijklmnopqrst' };
    expect(() => validatePipeline(p)).toThrow(/^(?!.*abcdefghijklmnopqrst)/s);
  });

  it('accepts references and ordinary values', () => {
    const p = base();
    p.variables = {
      TOKEN: '$KESTRA_API_TOKEN',
      AUTH: 'Bearer ${API_TOKEN}',
      HOST: 'https://kestra.example.com',
      IMAGE: 'registry.example.com/group/project/app:1.2.3',
      NODE_OPTIONS: '--max-old-space-size=4096',
    };
    expect(() => validatePipeline(p)).not.toThrow();
  });
});

describe('helpers', () => {
  it('secretLiteralReason ignores $REFERENCES', () => {
    expect(secretLiteralReason('X', '$glpat_in_a_name')).toBeUndefined();
  });

  it.each([
    ['kestra/kestra:v1.0.4', undefined],
    ['kestra/kestra:1.0', undefined],
    ['localhost:5000/a/b:2.1.0-rc.1', undefined],
    ['localhost:5000/a/b', /no tag/],
    ['a/b:latest', /latest/],
    ['a/b@sha256:123', /64 hex/],
  ])('unpinnedReason(%j)', (ref, expected) => {
    const r = unpinnedReason(ref);
    if (expected) expect(r).toMatch(expected);
    else expect(r).toBeUndefined();
  });
});
