import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, lint } from '../src/index.js';
import { tempProject, type Project } from './helpers/gitlab-ci-local.js';
import { MATRIX } from './helpers/matrix.js';

describe.each(Object.entries(MATRIX))('preset %s', (name, input) => {
  const result = generate(input);
  let project: Project;
  beforeAll(async () => {
    project = await tempProject({ '.gitlab-ci.yml': result.yaml });
  });
  afterAll(() => project.remove());

  it('renders the same YAML as the reviewed snapshot', async () => {
    await expect(result.yaml).toMatchFileSnapshot(`./__snapshots__/${name}.yml`);
  });

  it("passes GitLab's CI schema", async () => {
    expect(await lint(result.yaml)).toEqual({ valid: true, errors: [] });
  });

  it('is accepted by gitlab-ci-local --preview', async () => {
    const run = await project.gcl(['--preview']);
    expect(run.stderr).not.toMatch(/Error:|Invalid/);
    expect(run.code).toBe(0);
    const expanded = parse(run.stdout) as Record<string, unknown>;
    for (const job of Object.keys(result.pipeline.jobs)) expect(expanded).toHaveProperty([job]);
  });

  it('is listed by gitlab-ci-local --list-json with every job in its stage', async () => {
    const run = await project.gcl(['--list-json']);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as { name: string; stage: string }[];
    expect(listed.map((j) => [j.name, j.stage])).toEqual(Object.entries(result.pipeline.jobs).map(([job, def]) => [job, def.stage]));
  });

  it('keeps the safe defaults: workflow rules, pinned images, serialized deploys', () => {
    const doc = parse(result.yaml) as Record<string, any>;
    expect(doc.workflow.rules[1]).toEqual({ if: '$CI_COMMIT_BRANCH && $CI_OPEN_MERGE_REQUESTS', when: 'never' });
    for (const [job, def] of Object.entries(result.pipeline.jobs)) {
      if (def.stage === 'deploy' || def.stage === 'pull') {
        expect(doc[job].interruptible, job).toBe(false);
        expect(doc[job].resource_group, job).toMatch(/\S/);
        expect(JSON.stringify(doc[job].rules), job).toMatch(/CI_DEFAULT_BRANCH|CI_COMMIT_REF_PROTECTED/);
      } else {
        expect(doc[job].interruptible, job).toBe(true);
      }
    }
  });
});

describe('the gitlab-ci-local harness', () => {
  it('fails on a pipeline GitLab would refuse, so the checks above can fail', async () => {
    const project = await tempProject({ '.gitlab-ci.yml': 'job:\n  script: [echo]\n  interruptible: sometimes\n' });
    try {
      const run = await project.gcl(['--list-json']);
      expect(run.code).not.toBe(0);
      expect(run.stderr + run.stdout).toMatch(/interruptible/);
    } finally {
      await project.remove();
    }
  });
});
