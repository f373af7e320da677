/** `glkeys ci generate|kestra-label`: the real binary on temp repositories (no GitLab involved). */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate, renderInclude, type GenerateInput } from '@glkeys/ci-gen';
import { runCli } from './support/run-cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glkeys-ci-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const HOST = 'https://kestra.example.com';
const kestraFlags = ['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', HOST, '--namespace', 'prod'];

/** A fresh repository folder per test. */
function repo(name: string): string {
  const path = join(dir, name);
  mkdirSync(path, { recursive: true });
  return path;
}

describe('ci generate', () => {
  const cases: { args: string[]; input: GenerateInput }[] = [
    {
      args: ['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', HOST, '--namespace', 'company.team'],
      input: { preset: 'kestra', options: { kestraVersion: '1.0.4', host: HOST, namespaces: ['company.team'] } },
    },
    {
      args: [
        '--preset',
        'kestra',
        '--kestra-version',
        'v1.3',
        '--kestra-host',
        HOST,
        '--namespace',
        'prod=flows/prod',
        '--namespace',
        'dev',
        '--flows-dir',
        './flows',
        '--auth',
        'basic',
        '--tenant',
        'acme',
        '--deploy-on',
        'protected',
        '--environment',
        'kestra-prod',
        '--runner-tag',
        'kestra',
        '--runner-tag',
        'private',
      ],
      input: {
        preset: 'kestra',
        options: {
          kestraVersion: 'v1.3',
          host: HOST,
          namespaces: [{ namespace: 'prod', dir: 'flows/prod' }, 'dev'],
          flowsDir: './flows',
          auth: 'basic',
          tenant: 'acme',
          deployOn: 'protected',
          environment: { name: 'kestra-prod' },
          runnerTags: ['kestra', 'private'],
        },
      },
    },
    {
      args: [
        '--preset',
        'kestra',
        '--kestra-version',
        '1.0.4',
        '--kestra-host',
        HOST,
        '--namespace',
        'prod',
        '--local',
        '--image',
        'kestra/kestra:v1.0.4-full',
        '--kestra-cli',
        '/app/kestra',
      ],
      input: {
        preset: 'kestra',
        options: {
          kestraVersion: '1.0.4',
          host: HOST,
          namespaces: ['prod'],
          local: true,
          image: 'kestra/kestra:v1.0.4-full',
          kestraCli: '/app/kestra',
        },
      },
    },
    {
      args: [
        '--preset',
        'kestra',
        '--kestra-version',
        '2.0.2',
        '--kestra-host',
        HOST,
        '--namespace',
        'prod',
        '--auth',
        'basic',
        '--tenant',
        'main',
      ],
      input: { preset: 'kestra', options: { kestraVersion: '2.0.2', host: HOST, namespaces: ['prod'], auth: 'basic', tenant: 'main' } },
    },
    {
      args: [
        '--preset',
        'flux',
        '--path',
        './clusters/production',
        '--path',
        './clusters/staging',
        '--flux-version',
        '2.5.1',
        '--kubernetes-version',
        '1.32.0',
        '--no-ignore-missing-schemas',
        '--skip-kind',
        'Secret',
        '--skip-kind',
        'SealedSecret',
      ],
      input: {
        preset: 'flux',
        options: {
          paths: ['./clusters/production', './clusters/staging'],
          fluxVersion: '2.5.1',
          kubernetesVersion: '1.32.0',
          ignoreMissingSchemas: false,
          skipKinds: ['Secret', 'SealedSecret'],
        },
      },
    },
    {
      args: [
        '--preset',
        'registry-pull',
        '--image',
        '$CI_REGISTRY_IMAGE/app:1.4.2',
        '--environment',
        'edge',
        '--environment-url',
        'https://edge.example.com',
      ],
      input: {
        preset: 'registry-pull',
        options: { image: '$CI_REGISTRY_IMAGE/app:1.4.2', environment: { name: 'edge', url: 'https://edge.example.com' } },
      },
    },
  ];

  it.each(cases.map((c) => [c.args.slice(0, 2).join(' ') + ' ' + c.args.slice(2, 4).join(' '), c] as const))(
    'prints what generate() renders: %s',
    async (_, c) => {
      const expected = generate(c.input);
      const run = await runCli(['ci', 'generate', ...c.args]);
      expect(run.code).toBe(0);
      expect(run.stdout).toBe(expected.yaml);
      const json = await runCli(['ci', 'generate', ...c.args, '--json']);
      expect(json.json()).toEqual({
        preset: c.input.preset,
        files: [],
        yaml: expected.yaml,
        needs: { variables: expected.needs.variables, deployTokens: expected.needs.deployTokens },
      });
    },
  );

  it('--output writes the file, keeps an identical one and refuses to replace a different one without --overwrite', async () => {
    const cwd = repo('output');
    const expected = generate({ preset: 'flux', options: { paths: ['./clusters/prod'] } }).yaml;
    const args = ['ci', 'generate', '--preset', 'flux', '--path', './clusters/prod', '--output', '.gitlab-ci.yml', '--json'];
    const first = await runCli(args, { cwd });
    expect(first.json()).toMatchObject({ files: [{ path: '.gitlab-ci.yml', action: 'created' }] });
    expect(readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8')).toBe(expected);
    expect((await runCli(args, { cwd })).json()).toMatchObject({ files: [{ action: 'unchanged' }] });

    writeFileSync(join(cwd, '.gitlab-ci.yml'), 'hand: written\n');
    const refused = await runCli(args.slice(0, -1), { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--output: .gitlab-ci.yml exists with other content; pass --overwrite');
    expect(readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8')).toBe('hand: written\n');
    const replaced = await runCli([...args, '--overwrite'], { cwd });
    expect(replaced.json()).toMatchObject({ files: [{ action: 'replaced' }] });
    expect(readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8')).toBe(expected);
  });

  it('--include-file writes the include form and leaves .gitlab-ci.yml byte-identical apart from the include and stages', async () => {
    const cwd = repo('include');
    const original =
      '# Team pipeline: keep this comment\nstages: [test, build]\n\nunit:\n  stage: test   # trailing comment\n  script:\n    - make test\n';
    writeFileSync(join(cwd, '.gitlab-ci.yml'), original);
    const args = ['ci', 'generate', ...kestraFlags, '--include-file', '.gitlab/ci/kestra.yml', '--json'];
    const run = await runCli(args, { cwd });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({
      preset: 'kestra',
      files: [
        { path: '.gitlab/ci/kestra.yml', action: 'written' },
        { path: '.gitlab-ci.yml', action: 'include-added' },
      ],
    });
    const preset = generate({ preset: 'kestra', options: { kestraVersion: '1.0.4', host: HOST, namespaces: ['prod'] } });
    expect(readFileSync(join(cwd, '.gitlab/ci/kestra.yml'), 'utf8')).toBe(renderInclude(preset.pipeline));
    const after = readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8');
    const withStages = original.replace('stages: [test, build]', 'stages: [test, build, validate, deploy]');
    expect(after.startsWith(withStages)).toBe(true);
    expect(after.slice(withStages.length)).toBe('\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n');

    // Again: nothing to add, the file does not change at all.
    expect((await runCli(args, { cwd })).json()).toMatchObject({ files: [{}, { action: 'unchanged' }] });
    expect(readFileSync(join(cwd, '.gitlab-ci.yml'), 'utf8')).toBe(after);
  });

  it('--include-file adds one line to an existing include list and one stage, in a --ci-file elsewhere', async () => {
    const cwd = repo('include-list');
    const original =
      'include:\n  - local: /ci/other.yml   # shared jobs\n\n# build first\nstages: [build]\nbuild:\n  stage: build\n  script: [make]\n';
    writeFileSync(join(cwd, 'pipeline.yml'), original);
    const run = await runCli(
      [
        'ci',
        'generate',
        '--preset',
        'registry-pull',
        '--image',
        '$CI_REGISTRY_IMAGE/app:1.0.0',
        '--include-file',
        'ci/pull.yml',
        '--ci-file',
        'pipeline.yml',
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    const after = readFileSync(join(cwd, 'pipeline.yml'), 'utf8');
    const added = '  - local: /ci/pull.yml\n';
    expect(after.replace(added, '')).toBe(original.replace('stages: [build]', 'stages: [build, pull]'));
    expect(after.split('\n').length).toBe(original.split('\n').length + 1);
    expect(readFileSync(join(cwd, 'ci/pull.yml'), 'utf8')).toBe(
      renderInclude(generate({ preset: 'registry-pull', options: { image: '$CI_REGISTRY_IMAGE/app:1.0.0' } }).pipeline),
    );
  });

  it('refuses bad options with exit 2, naming the flag and the rule, and writes nothing', async () => {
    const cwd = repo('bad');
    const cases: [string[], RegExp][] = [
      [
        ['--preset', 'kestra', '--kestra-version', 'latest', '--kestra-host', HOST, '--namespace', 'prod'],
        /--kestra-version \(kestraVersion\): "latest" is not a pinned version.*pass --force/,
      ],
      [
        ['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', HOST, '--namespace', 'Prod Team'],
        /--namespace \(namespaces\[0\]\): namespace must match/,
      ],
      [['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', HOST], /--namespace: is required with --preset kestra/],
      [
        ['--preset', 'kestra', '--kestra-version', '2.0.2', '--kestra-host', HOST, '--namespace', 'a', '--local'],
        /--local \(local\): kestractl/,
      ],
      [['--preset', 'flux', '--path', './c', '--namespace', 'x'], /--namespace: applies to --preset kestra, not flux/],
      [['--preset', 'flux', '--path', '../outside'], /--path \(paths\[0\]\): must be a relative path/],
      [['--preset', 'registry-pull', '--image', 'app'], /--image \(image\): .*--force/],
      [['--preset', 'registry-pull'], /--image: is required with --preset registry-pull/],
      [['--preset', 'jenkins'], /Expected --preset=jenkins to be one of/],
      [[...kestraFlags, '--include-file', '../x.yml'], /includePath: must be a repository path/],
    ];
    for (const [args, message] of cases) {
      // With an include file, so a write that should not happen would show.
      const output = args.includes('--include-file') ? [] : ['--include-file', '.gitlab/ci/x.yml'];
      const run = await runCli(['ci', 'generate', ...args, ...output], { cwd });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
    expect(() => readFileSync(join(cwd, '.gitlab-ci.yml'))).toThrow();
    expect(() => readFileSync(join(cwd, '.gitlab/ci/x.yml'))).toThrow();
  });
});

describe('ci kestra-label', () => {
  it('labels flows that lack system.readOnly, after a --dry-run that writes nothing', async () => {
    const cwd = repo('flows');
    mkdirSync(join(cwd, 'flows/prod'), { recursive: true });
    const plain = 'id: hello\nnamespace: prod   # team\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n';
    const labelled = 'id: done\nnamespace: prod\nlabels:\n  system.readOnly: true\ntasks: []\n';
    writeFileSync(join(cwd, 'flows/prod/hello.yml'), plain);
    writeFileSync(join(cwd, 'flows/prod/done.yaml'), labelled);

    const dry = await runCli(['ci', 'kestra-label', 'flows', '--dry-run', '--json'], { cwd });
    expect(dry.json()).toEqual({ dir: 'flows', dryRun: true, changed: ['prod/hello.yml'], unchanged: ['prod/done.yaml'] });
    expect(readFileSync(join(cwd, 'flows/prod/hello.yml'), 'utf8')).toBe(plain);

    const run = await runCli(['ci', 'kestra-label', 'flows'], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('labelled prod/hello.yml');
    expect(readFileSync(join(cwd, 'flows/prod/hello.yml'), 'utf8')).toBe(
      'id: hello\nnamespace: prod   # team\nlabels:\n  system.readOnly: true\ntasks:\n  - id: log\n    type: io.kestra.plugin.core.log.Log\n    message: hi\n',
    );
    expect(readFileSync(join(cwd, 'flows/prod/done.yaml'), 'utf8')).toBe(labelled);
    expect((await runCli(['ci', 'kestra-label', 'flows', '--json'], { cwd })).json()).toMatchObject({ changed: [] });
  });

  it('refuses a file that is not a flow (exit 2) and a missing directory', async () => {
    const cwd = repo('not-flows');
    writeFileSync(join(cwd, 'x.yml'), 'just: a map\n');
    const run = await runCli(['ci', 'kestra-label', '.'], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('flow x.yml: is not a Kestra flow');
    expect((await runCli(['ci', 'kestra-label', 'nope'], { cwd })).code).toBe(2);
  });
});
