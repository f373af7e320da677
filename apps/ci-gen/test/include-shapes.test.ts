/**
 * The include form on existing pipelines of several shapes, proven with gitlab-ci-local
 * (offline: --list-json and --preview, no job runs): the user's pipeline stays valid, its jobs
 * keep their stages, image and before_script, and the preset's jobs run in the preset's image.
 * The old form (the whole preset included as it is) is run too, to show what the include form fixes.
 */
import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate, lint, writeInclude, type GenerateInput } from '../src/index.js';
import { tempProject, type Project } from './helpers/gitlab-ci-local.js';

const PRESETS: GenerateInput[] = [
  {
    preset: 'kestra',
    options: { kestraVersion: '2.0.2', host: 'https://kestra.example.com', namespaces: ['prod'], auth: 'basic' },
  },
  { preset: 'flux', options: { paths: ['./clusters/production'] } },
  { preset: 'registry-pull', options: { image: 'registry.example.com/app:1.4.2' } },
];

interface Shape {
  files: Record<string, string>;
  /** The user's jobs and the stage each has before and after. */
  jobs: Record<string, string>;
  /** The user's jobs' image (from their default:), kept after the include. */
  image?: string;
}

const SHAPES: Record<string, Shape> = {
  'default stages (no stages key)': {
    files: {
      '.gitlab-ci.yml':
        'build-app:\n  stage: build\n  script: [make]\nunit:\n  script: [make test]\nship:\n  stage: deploy\n  script: [make ship]\n',
    },
    jobs: { 'build-app': 'build', unit: 'test', ship: 'deploy' },
  },
  'custom stages in a flow list with a comment': {
    files: {
      '.gitlab-ci.yml':
        '# Ours.\nstages: [lint, compile, release]  # order matters\nlint:\n  stage: lint\n  script: [x]\ncompile:\n  stage: compile\n  script: [x]\nrelease:\n  stage: release\n  script: [x]\n  needs: [compile]\n',
    },
    jobs: { lint: 'lint', compile: 'compile', release: 'release' },
  },
  'workflow rules of its own': {
    files: {
      '.gitlab-ci.yml':
        'workflow:\n  rules:\n    - if: $CI_COMMIT_TAG\n    - if: $CI_COMMIT_BRANCH\nstages:\n  - build\n  - test\nbuild-app:\n  stage: build\n  script: [make]\nunit:\n  stage: test\n  script: [make test]\n',
    },
    jobs: { 'build-app': 'build', unit: 'test' },
  },
  'a default image and before_script': {
    files: {
      '.gitlab-ci.yml':
        'default:\n  image: node:20.18.0\n  before_script: [npm ci]\nvariables:\n  NODE_ENV: test\nbuild-app:\n  stage: build\n  script: [npm run build]\nunit:\n  script: [npm test]\n',
    },
    jobs: { 'build-app': 'build', unit: 'test' },
    image: 'node:20.18.0',
  },
  'stages in an included file': {
    files: {
      '.gitlab-ci.yml': 'include:\n  - local: /ci/base.yml\nunit:\n  stage: check\n  script: [x]\n',
      'ci/base.yml':
        'stages: [prepare, check, publish]\nprep:\n  stage: prepare\n  script: [x]\npublish:\n  stage: publish\n  script: [x]\n',
    },
    jobs: { unit: 'check', prep: 'prepare', publish: 'publish' },
  },
  'an include of includes': {
    files: {
      '.gitlab-ci.yml': 'include: ci/jobs.yml\n',
      'ci/jobs.yml': 'include:\n  - local: /ci/stages.yml\nbuild-app:\n  stage: package\n  script: [x]\n',
      'ci/stages.yml': 'stages:\n  - package\n  - verify\nverify:\n  stage: verify\n  script: [x]\n',
    },
    jobs: { 'build-app': 'package', verify: 'verify' },
  },
};

let project: Project | undefined;
afterEach(async () => {
  await project?.remove();
  project = undefined;
});

interface Listed {
  name: string;
  stage: string;
}

/** gitlab-ci-local reads `include: local` files from git's index, as GitLab reads them from the commit. */
function track(p: Project): void {
  execFileSync('git', ['init', '-q'], { cwd: p.dir });
  execFileSync('git', ['add', '-A'], { cwd: p.dir });
}

async function listed(p: Project): Promise<{ code: number; jobs: Listed[]; out: string }> {
  track(p);
  const run = await p.gcl(['--list-json']);
  let jobs: Listed[] = [];
  try {
    jobs = JSON.parse(run.stdout) as Listed[];
  } catch {
    // Not JSON: gitlab-ci-local refused the pipeline; its reason is in the output.
  }
  return { code: run.code, jobs, out: `${run.stdout}\n${run.stderr}` };
}

/** gitlab-ci-local's merged pipeline (--preview): every job with its image and before_script resolved. */
async function preview(p: Project): Promise<Record<string, { image?: { name?: string }; before_script?: string[] }>> {
  track(p);
  const run = await p.gcl(['--preview']);
  expect(run.code, run.stderr).toBe(0);
  return parse(run.stdout.slice(run.stdout.indexOf('---'))) as Record<string, { image?: { name?: string } }>;
}

describe('the include form on existing pipelines (gitlab-ci-local)', () => {
  for (const [shapeName, shape] of Object.entries(SHAPES)) {
    it.each(PRESETS.map((p) => [p.preset, p] as const))(
      `${shapeName}: %s keeps the pipeline valid`,
      { timeout: 60_000 },
      async (_name, input) => {
        project = await tempProject(shape.files);
        const before = await listed(project);
        expect(before.code, before.out).toBe(0);
        const original = shape.files['.gitlab-ci.yml']!;

        const generated = generate(input);
        const ciFilePath = join(project.dir, '.gitlab-ci.yml');
        const out = await writeInclude({ ciFilePath, includePath: `.gitlab/ci/${input.preset}.yml`, pipeline: generated.pipeline });
        const after = await listed(project);
        expect(after.code, after.out).toBe(0);
        const stageOf = new Map(after.jobs.map((j) => [j.name, j.stage]));
        for (const [job, stage] of Object.entries(shape.jobs)) expect(stageOf.get(job), job).toBe(stage);
        for (const [job, spec] of Object.entries(generated.pipeline.jobs)) expect(stageOf.get(job), job).toBe(spec.stage);

        const merged = await preview(project);
        const presetImage = generated.pipeline.default?.image;
        for (const job of Object.keys(generated.pipeline.jobs)) {
          const own = generated.pipeline.jobs[job]!.image ?? presetImage;
          const name = typeof own === 'string' ? own : own?.name;
          expect(merged[job]?.image?.name, job).toBe(name);
          // Its own before_script or none: never the user's default one.
          const script = generated.pipeline.jobs[job]!.before_script ?? generated.pipeline.default?.before_script;
          expect(merged[job]?.before_script, job).toEqual(script);
        }
        for (const job of Object.keys(shape.jobs)) {
          expect(merged[job]?.image?.name, job).toBe(shape.image);
          if (shape.image) expect(merged[job]?.before_script).toEqual(['npm ci']);
        }

        // The user's file only gained lines or list items: every line it had is still there, in order
        // (a one-line stages list or include string is written again with the added items).
        const text = await readFile(ciFilePath, 'utf8');
        const kept = text.split('\n');
        let at = 0;
        for (const line of original.split('\n').filter((l) => !/^(stages: \[|include: )/.test(l))) {
          at = kept.indexOf(line, at);
          expect(at, `line ${JSON.stringify(line)} kept`).toBeGreaterThanOrEqual(0);
        }
        // Our offline lint reads the local includes and agrees with gitlab-ci-local.
        const offline = await lint(text, { readLocal: (path) => readFile(join(project!.dir, path), 'utf8').catch(() => undefined) });
        expect(offline).toEqual({ valid: true, errors: [] });
        // A second run changes nothing.
        const again = await writeInclude({ ciFilePath, includePath: `.gitlab/ci/${input.preset}.yml`, pipeline: generated.pipeline });
        expect(again).toMatchObject({ ciFileChanged: false, stagesAdded: [] });
        expect(out.includeFile).toBe(join(project.dir, `.gitlab/ci/${input.preset}.yml`));
      },
    );
  }

  it('the whole preset included as it is breaks these pipelines (what the include form fixes)', { timeout: 60_000 }, async () => {
    const kestra = generate(PRESETS[0]!);
    const broken: string[] = [];
    for (const [shapeName, shape] of Object.entries(SHAPES).slice(0, 2)) {
      project = await tempProject({ ...shape.files, '.gitlab/ci/kestra.yml': kestra.yaml });
      await writeFile(
        join(project.dir, '.gitlab-ci.yml'),
        `${shape.files['.gitlab-ci.yml']}\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n`,
      );
      const run = await listed(project);
      if (run.code !== 0) broken.push(`${shapeName}: ${/stage:\S+ not found/.exec(run.out)?.[0] ?? run.out.slice(0, 200)}`);
      const offline = await lint(await readFile(join(project.dir, '.gitlab-ci.yml'), 'utf8'), {
        readLocal: (path) => readFile(join(project!.dir, path), 'utf8').catch(() => undefined),
      });
      expect(offline.valid, shapeName).toBe(false);
      await project.remove();
      project = undefined;
    }
    expect(broken).toEqual([expect.stringContaining('stage:build not found'), expect.stringContaining('stage:validate not found')]);
  });

  it('refuses a stages list in the opposite order and a job name taken, before writing anything', async () => {
    project = await tempProject({ '.gitlab-ci.yml': 'stages: [deploy, validate]\na:\n  stage: deploy\n  script: [x]\n' });
    const ciFilePath = join(project.dir, '.gitlab-ci.yml');
    const kestra = generate(PRESETS[0]!);
    await expect(writeInclude({ ciFilePath, includePath: '.gitlab/ci/kestra.yml', pipeline: kestra.pipeline })).rejects.toThrow(
      /ciFile: its stages list deploy, validate in another order than the preset runs them \(validate, deploy\)/,
    );
    await writeFile(ciFilePath, 'kestra-validate:\n  script: [x]\n');
    await expect(writeInclude({ ciFilePath, includePath: '.gitlab/ci/kestra.yml', pipeline: kestra.pipeline })).rejects.toThrow(
      /ciFile: already has a job named kestra-validate/,
    );
    await writeFile(ciFilePath, 'include:\n  - project: group/ci\n    file: /base.yml\na:\n  script: [x]\n');
    await expect(writeInclude({ ciFilePath, includePath: '.gitlab/ci/kestra.yml', pipeline: kestra.pipeline })).rejects.toThrow(
      /ciFile: includes a file glkeys cannot read here .*group\/ci.*stages: key/,
    );
    await expect(readFile(join(project.dir, '.gitlab/ci/kestra.yml'))).rejects.toThrow(/ENOENT/);
  });
});
