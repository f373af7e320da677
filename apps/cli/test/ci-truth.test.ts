/**
 * `glkeys ci` never says valid, done or "nothing was sent" when it is not so: through the real
 * binary, counting GitLab calls from the simulator's request log (issue 12).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { runCli } from './support/run-cli.js';

let sim: GitlabSim;
let dir: string;
beforeAll(async () => {
  sim = await start();
  dir = mkdtempSync(join(tmpdir(), 'glkeys-ci-truth-'));
});
beforeEach(() => sim.log.clear());
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

// GitLab is reachable and the token valid: a call would be counted, not refused.
const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.maintainer });
const kestra = ['--preset', 'kestra', '--kestra-version', '2.0.2', '--kestra-host', 'https://kestra.example.com'];

function repo(name: string, files: Record<string, string>): string {
  const root = join(dir, name);
  mkdirSync(join(root, '.git'), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('ci lint offline checks what GitLab checks', () => {
  it.each([
    [
      'a stage that does not exist',
      'deploy-app:\n  stage: release\n  script: [x]\n',
      'deploy-app job: chosen stage release does not exist; available stages are .pre, build, test, deploy, .post',
    ],
    ['needs on a missing job', 'a:\n  script: [x]\n  needs: [compile]\n', 'a job: undefined need: compile'],
    [
      'needs on a later stage',
      'a:\n  stage: build\n  script: [x]\n  needs: [b]\nb:\n  stage: deploy\n  script: [x]\n',
      'a job: need b is not defined in current or prior stages',
    ],
    ['extends a missing template', 'a:\n  extends: .base\n  script: [x]\n', 'a: unknown keys in `extends` (.base)'],
    [
      'a !reference in rules that cannot be found',
      '.rules:\n  script: [x]\na:\n  script: [x]\n  rules: !reference [.rules, rules]\n',
      '!reference [".rules", "rules"] could not be found',
    ],
    [
      'a stage missing from a local include',
      'include: [{local: /ci/base.yml}]\na:\n  stage: test\n  script: [x]\n',
      'a job: chosen stage test does not exist; available stages are .pre, lint, .post',
    ],
  ])('refuses %s: exit 1, GitLab’s words, 0 GitLab calls', async (_label, yaml, message) => {
    const root = repo(`lint-${_label.replace(/\W+/g, '-')}`, { '.gitlab-ci.yml': yaml, 'ci/base.yml': 'stages: [lint]\n' });
    const run = await runCli(['ci', 'lint', join(root, '.gitlab-ci.yml'), '--json'], { env: env() });
    expect(run.code).toBe(1);
    expect(run.json()).toMatchObject({ valid: false, errors: [{ message, check: 'config' }] });
    const text = await runCli(['ci', 'lint', join(root, '.gitlab-ci.yml')], { env: env() });
    expect(text.stdout).toContain(message);
    expect(text.stdout).not.toContain(': valid');
    expect(sim.log.count()).toBe(0);
  });

  it('says what an unread include leaves unchecked', async () => {
    const root = repo('lint-remote', {
      '.gitlab-ci.yml': 'include:\n  - project: g/ci\n    file: /t.yml\na:\n  extends: .t\n  script: [x]\n',
    });
    const run = await runCli(['ci', 'lint', join(root, '.gitlab-ci.yml')], { env: env() });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Warning: include .*g\/ci.* is not read offline: .*not checked \(lint with --project\)/);
    expect(sim.log.count()).toBe(0);
  });
});

describe('ci generate --include-file keeps the pipeline valid', () => {
  it('merges the preset stages into an existing default-stages pipeline; ci lint then says valid', async () => {
    const original = '# ours\nbuild-app:\n  stage: build\n  script: [make]\nunit:\n  script: [make test]\n';
    const root = repo('include-default', { '.gitlab-ci.yml': original });
    const ciFile = join(root, '.gitlab-ci.yml');
    const args = ['ci', 'generate', ...kestra, '--namespace', 'prod', '--include-file', '.gitlab/ci/kestra.yml', '--ci-file', ciFile];
    const run = await runCli(args, { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`Added stage(s) validate to the stages of ${ciFile}.`);
    expect(readFileSync(ciFile, 'utf8')).toBe(
      `${original}\ninclude:\n  - local: /.gitlab/ci/kestra.yml\n\nstages:\n  - build\n  - test\n  - validate\n  - deploy\n`,
    );
    const included = readFileSync(join(root, '.gitlab/ci/kestra.yml'), 'utf8');
    expect(included).not.toMatch(/^(stages|default|workflow|variables):/m);
    const lint = await runCli(['ci', 'lint', ciFile], { env: env() });
    expect(lint.code, lint.stdout).toBe(0);
    expect(lint.stdout).toContain('valid');
    expect(sim.log.count()).toBe(0);
  });
});

describe('kestra preset', () => {
  it.each([
    ['--flows-dir', ['--namespace', 'prod', '--flows-dir', '../x'], '--flows-dir (flowsDir): "../x" is outside the repository'],
    ['--namespace', ['--namespace', 'prod=../prod'], '--namespace (namespaces[0].dir): "../prod" is outside the repository'],
    ['--runner-tag', ['--namespace', 'prod', '--runner-tag', ''], '--runner-tag (runnerTags[0]): a runner tag must not be empty'],
    [
      '--runner-tag',
      ['--namespace', 'prod', '--runner-tag', 'ok', '--runner-tag', ' '],
      '--runner-tag (runnerTags[1]): a runner tag must not be empty',
    ],
  ])('refuses a bad %s: exit 2, naming the flag, 0 GitLab calls', async (_flag, extra, message) => {
    for (const command of [
      ['ci', 'generate'],
      ['ci', 'setup', '--project', SEED_PATHS.project],
    ]) {
      const run = await runCli([...command, ...kestra, ...extra], { env: env() });
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toContain(message);
    }
    expect(sim.log.count()).toBe(0);
  });

  it('validates an NS=DIR folder outside --flows-dir and runs kestractl of the version asked', async () => {
    const run = await runCli(['ci', 'generate', ...kestra, '--namespace', 'prod', '--namespace', 'data=./data-flows'], { env: env() });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('kestractl flows validate ./kestra/flows\n');
    expect(run.stdout).toContain('kestractl flows validate ./data-flows\n');
    expect(run.stdout).toContain('name: kestra/kestractl:2.0.2\n');
    expect(sim.log.count()).toBe(0);
  });
});

describe('ci setup', () => {
  it('refuses a deploy token lacking a scope after reading the project, and says it only read', async () => {
    const project = sim.state.deployTokens(SEED_PATHS.project);
    expect(project.filter((t) => t.name === 'gitlab-deploy-token')).toEqual([]);
    const id = (sim.state as unknown as { projectByRef(ref: string): { id: number } }).projectByRef(SEED_PATHS.project).id;
    sim.state.createDeployToken({ kind: 'project', id }, { name: 'gitlab-deploy-token', scopes: ['read_repository'], expiresAt: null });
    const args = ['ci', 'setup', '--project', SEED_PATHS.project, '--preset', 'registry-pull', '--image', 'registry.example.com/app:1.4.2'];
    const run = await runCli(args, { env: env() });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/deployTokens\.gitlab-deploy-token: token \d+ lacks read_registry/);
    expect(run.stderr).not.toContain('Nothing was sent');
    expect(run.stderr).toContain('GitLab was only read');
    const json = await runCli([...args, '--json'], { env: env() });
    expect(json.json()).toMatchObject({ error: { code: 'VALIDATION', hint: expect.stringContaining('nothing was written') } });
    expect(sim.log.count({ write: true })).toBe(0);
    expect(sim.log.count()).toBeGreaterThan(0);
  });
});
