/** `glkeys ci setup` and `ci lint --project`: the real binary against the GitLab simulator. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generate } from '@glkeys/ci-gen';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { leaksOf, runCli } from './support/run-cli.js';

let sim: GitlabSim;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'glkeys-ci-setup-'));
});
// A fresh project state per test: every test counts its own API calls.
beforeEach(async () => {
  await sim?.close();
  sim = await start();
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

const PROJECT = SEED_PATHS.project;
const DEPLOY_TOKEN = 'deploy_tok-0123456789abcdef';
const VALIDATE_TOKEN = 'validate_tok-0123456789abcdef';
const PASSWORD = 'kestra-pass:0123456789';
const env = (extra: Record<string, string> = {}) => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.maintainer, ...extra });
const kestra = ['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', 'https://kestra.example.com', '--namespace', 'prod'];
const variable = (key: string) => sim.state.variables(PROJECT).find((v) => v.key === key);

describe('ci setup', () => {
  it('creates masked, protected variables from env and file; a re-run makes 0 writes and says up to date', async () => {
    const file = join(dir, 'validate-token');
    writeFileSync(file, `${VALIDATE_TOKEN}\n`);
    const args = [
      'ci',
      'setup',
      '--project',
      PROJECT,
      ...kestra,
      '--value-from-env',
      'KESTRA_API_TOKEN=DEPLOY_SECRET',
      '--value',
      `KESTRA_VALIDATE_API_TOKEN=@${file}`,
    ];
    const first = await runCli([...args, '--json'], { env: env({ DEPLOY_SECRET: DEPLOY_TOKEN }) });
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({
      dryRun: false,
      upToDate: false,
      writes: 2,
      steps: [
        { kind: 'created-variable', key: 'KESTRA_VALIDATE_API_TOKEN' },
        { kind: 'created-variable', key: 'KESTRA_API_TOKEN' },
      ],
    });
    expect(variable('KESTRA_API_TOKEN')).toMatchObject({ value: DEPLOY_TOKEN, masked: true, protected: true });
    // MR pipelines validate with it, and they never see protected variables.
    expect(variable('KESTRA_VALIDATE_API_TOKEN')).toMatchObject({ value: VALIDATE_TOKEN, masked: true, protected: false });

    sim.log.clear();
    const again = await runCli(args, { env: env({ DEPLOY_SECRET: DEPLOY_TOKEN }) });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Up to date: nothing to change (0 writes).');
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.log.count()).toBeGreaterThan(0);

    // Without values, existing variables are kept as they are.
    const bare = await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, '--json'], { env: env() });
    expect(bare.json()).toMatchObject({ upToDate: true, writes: 0 });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(leaksOf([DEPLOY_TOKEN, VALIDATE_TOKEN])).toEqual([]);
  });

  it('updates a changed value and fixes protected in place', async () => {
    const values = ['--value-from-env', 'KESTRA_API_TOKEN', '--value-from-env', 'KESTRA_VALIDATE_API_TOKEN'];
    await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, ...values], {
      env: env({ KESTRA_API_TOKEN: DEPLOY_TOKEN, KESTRA_VALIDATE_API_TOKEN: VALIDATE_TOKEN }),
    });
    sim.log.clear();
    const rotated = `${DEPLOY_TOKEN}-rotated`;
    const run = await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, ...values, '--json'], {
      env: env({ KESTRA_API_TOKEN: rotated, KESTRA_VALIDATE_API_TOKEN: VALIDATE_TOKEN }),
    });
    expect(run.json()).toMatchObject({
      writes: 1,
      actions: [{ kind: 'keep-variable' }, { kind: 'update-variable', key: 'KESTRA_API_TOKEN', changes: ['value'] }],
    });
    expect(sim.log.count({ write: true })).toBe(1);
    expect(variable('KESTRA_API_TOKEN')?.value).toBe(rotated);
    expect(leaksOf([DEPLOY_TOKEN, rotated, VALIDATE_TOKEN])).toEqual([]);
  });

  it('--dry-run prints the plan with values redacted and makes no write', async () => {
    const password = join(dir, 'password');
    writeFileSync(password, PASSWORD);
    const args = [
      'ci',
      'setup',
      '--project',
      PROJECT,
      ...kestra,
      '--auth',
      'basic',
      '--local',
      '--value',
      'KESTRA_USER=ci-deployer',
      '--value',
      `KESTRA_PASSWORD=@${password}`,
      '--dry-run',
    ];
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('create variable KESTRA_USER (visible, protected), value [redacted]');
    expect(run.stdout).toContain('create variable KESTRA_PASSWORD (masked, protected), value [redacted]');
    expect(run.stdout).toContain('2 change(s) would be made.');
    const json = await runCli([...args, '--json'], { env: env() });
    expect(json.json()).toMatchObject({
      dryRun: true,
      writes: 0,
      steps: [],
      actions: [
        { kind: 'create-variable', key: 'KESTRA_USER' },
        { kind: 'create-variable', key: 'KESTRA_PASSWORD', masked: true },
      ],
    });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.variables(PROJECT)).toEqual([]);
    expect(run.stdout + run.stderr + json.stdout).not.toContain('ci-deployer');
    expect(leaksOf([PASSWORD])).toEqual([]);
  });

  it('registry-pull: creates the gitlab-deploy-token once with read_registry; re-run and --dry-run write nothing', async () => {
    const args = ['ci', 'setup', '--project', PROJECT, '--preset', 'registry-pull', '--image', '$CI_REGISTRY_IMAGE/app:1.4.2', '--json'];
    const tokens = () => sim.state.deployTokens(PROJECT).filter((t) => t.name === 'gitlab-deploy-token' && !t.revoked);
    const first = await runCli(args, { env: env() });
    expect(first.code).toBe(0);
    expect(first.json()).toMatchObject({ writes: 1, steps: [{ kind: 'created-deploy-token', name: 'gitlab-deploy-token' }] });
    expect(tokens()).toHaveLength(1);
    expect(tokens()[0]!.scopes).toEqual(['read_registry']);

    sim.log.clear();
    const again = await runCli(args, { env: env() });
    expect(again.json()).toMatchObject({ upToDate: true, writes: 0, steps: [{ kind: 'kept-deploy-token', id: tokens()[0]!.id }] });
    const dry = await runCli([...args, '--dry-run'], { env: env() });
    expect(dry.json()).toMatchObject({ dryRun: true, actions: [{ kind: 'keep-deploy-token' }] });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(tokens()).toHaveLength(1);
    // The token's value is never read back or printed.
    expect(leaksOf(sim.state.deployTokens(PROJECT).map((t) => t.token))).toEqual([]);
  });

  it('refuses bad values with exit 2 and the rule, before any API call, without echoing the value', async () => {
    const short = join(dir, 'short');
    writeFileSync(short, 'abc123');
    sim.log.clear();
    const cases: [string[], Record<string, string>, RegExp, string][] = [
      [
        ['--value-from-env', 'KESTRA_API_TOKEN'],
        { KESTRA_API_TOKEN: 'has spaces in it#x' },
        /variables\.KESTRA_API_TOKEN: cannot be masked: .*a space, "#"/,
        'has spaces in it#x',
      ],
      [
        ['--value', `KESTRA_API_TOKEN=@${short}`],
        {},
        /variables\.KESTRA_API_TOKEN: cannot be masked: it is 6 characters long and a masked value needs at least 8/,
        'abc123',
      ],
      [['--value', 'BAD-KEY=@/dev/null'], {}, /--value: "BAD-KEY": key must match \[A-Za-z0-9_\] and be 1 to 255 characters/, 'BAD-KEY=@'],
      [
        ['--value-from-env', 'KESTRA_TOKN'],
        { KESTRA_TOKN: 'a-valid-value-123456' },
        /values\.KESTRA_TOKN: is not a variable this pipeline needs/,
        'a-valid-value-123456',
      ],
      [
        ['--value-from-env', 'KESTRA_API_TOKEN'],
        {},
        /--value-from-env: KESTRA_API_TOKEN: environment variable KESTRA_API_TOKEN is not set/,
        '\0',
      ],
      [['--value', 'KESTRA_API_TOKEN'], {}, /--value: must be KEY=@FILE or KEY=literal/, '\0'],
      [
        ['--value-from-env', 'KESTRA_API_TOKEN', '--value', 'KESTRA_API_TOKEN=x'],
        { KESTRA_API_TOKEN: 'a-valid-value-123456' },
        /KESTRA_API_TOKEN is given twice/,
        'a-valid-value-123456',
      ],
      [
        ['--value', 'KESTRA_API_TOKEN=@/nonexistent/file'],
        {},
        /--value: KESTRA_API_TOKEN: cannot read \/nonexistent\/file \(ENOENT\)/,
        '\0',
      ],
    ];
    for (const [values, extraEnv, rule, secret] of cases) {
      const run = await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, ...values], { env: env(extraEnv) });
      expect({ values, code: run.code }).toEqual({ values, code: 2 });
      expect(run.stderr).toMatch(rule);
      expect(run.stdout + run.stderr).not.toContain(secret);
    }
    const json = await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, '--value-from-env', 'KESTRA_API_TOKEN', '--json'], {
      env: env({ KESTRA_API_TOKEN: 'short' }),
    });
    expect(json.json()).toMatchObject({ error: { code: 'VALIDATION', exitCode: 2, field: 'variables.KESTRA_API_TOKEN' } });
    expect(sim.log.count()).toBe(0);
    expect(sim.state.variables(PROJECT)).toEqual([]);
  });

  it('refuses a missing value (after reading the project) with where to get it, and writes nothing', async () => {
    const run = await runCli(['ci', 'setup', '--project', PROJECT, ...kestra, '--value-from-env', 'KESTRA_API_TOKEN'], {
      env: env({ KESTRA_API_TOKEN: DEPLOY_TOKEN }),
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/variables\.KESTRA_VALIDATE_API_TOKEN: a value is required \(Kestra API token to validate flows/);
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.state.variables(PROJECT)).toEqual([]);
    expect(leaksOf([DEPLOY_TOKEN])).toEqual([]);
  });

  it('a bad project or flag of another preset exits 2 with no call', async () => {
    for (const args of [
      ['ci', 'setup', '--project', 'a b', ...kestra],
      ['ci', 'setup', '--project', PROJECT, ...kestra, '--path', './x'],
      ['ci', 'setup', ...kestra],
    ]) {
      const run = await runCli(args, { env: env() });
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
    }
    expect(sim.log.count()).toBe(0);
  });
});

describe('ci lint', () => {
  const valid = generate({
    preset: 'kestra',
    options: { kestraVersion: '1.0.4', host: 'https://kestra.example.com', namespaces: ['prod'] },
  }).yaml;
  const invalid = 'stages: [test]\njob:\n  stage: test\n  script: [make]\n  interruptible: "yes"\n  colour: blue\n';
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('offline: 0 for a valid pipeline, 1 with path: message for an invalid one, no GitLab call', async () => {
    sim.log.clear();
    const ok = await runCli(['ci', 'lint', write('valid.yml', valid)]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid\.yml: valid \(GitLab's CI schema and config checks, offline\)/);

    const bad = await runCli(['ci', 'lint', write('invalid.yml', invalid)]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('invalid.yml: invalid');
    expect(bad.stdout).toContain('/job: unknown key "colour"');
    expect(bad.stdout).toMatch(/\/job\/interruptible: must be boolean/);
    const json = await runCli(['ci', 'lint', join(dir, 'invalid.yml'), '--json']);
    expect(json.code).toBe(1);
    expect(json.json()).toMatchObject({
      mode: 'schema',
      valid: false,
      errors: expect.arrayContaining([{ path: '/job', message: 'unknown key "colour"' }]),
    });

    const syntax = await runCli(['ci', 'lint', write('syntax.yml', 'job: [unclosed\n')]);
    expect(syntax.code).toBe(1);
    // The default file is .gitlab-ci.yml in the current directory.
    const cwd = mkdtempSync(join(dir, 'repo-'));
    writeFileSync(join(cwd, '.gitlab-ci.yml'), valid);
    expect((await runCli(['ci', 'lint'], { cwd })).code).toBe(0);
    const missing = await runCli(['ci', 'lint', join(dir, 'nope.yml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FILE: cannot read ".*nope\.yml": no such file or directory \(ENOENT\)/);
    expect(sim.log.count()).toBe(0);
  });

  it('--project: through the CI Lint API, 0 when valid and 1 when invalid', async () => {
    sim.log.clear();
    const ok = await runCli(['ci', 'lint', write('valid.yml', valid), '--project', PROJECT, '--ref', 'main', '--json'], { env: env() });
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({ mode: 'gitlab', valid: true, errors: [], project: { kind: 'project', path: PROJECT } });
    expect(sim.log.count({ route: 'POST /projects/:id/ci/lint' })).toBe(1);

    const bad = await runCli(['ci', 'lint', write('invalid.yml', invalid), '--project', PROJECT], { env: env() });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('invalid.yml: invalid');
    expect(bad.stdout.split('\n').length).toBeGreaterThan(2);
    expect(readFileSync(join(dir, 'invalid.yml'), 'utf8')).toBe(invalid);

    const noProject = await runCli(['ci', 'lint', join(dir, 'valid.yml'), '--ref', 'main'], { env: env() });
    expect(noProject.code).toBe(2);
  });
});
