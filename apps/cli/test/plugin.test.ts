/**
 * glkeys as an oclif plugin: a tiny host CLI (its own package.json with `oclif.plugins`)
 * loads @glkeys/cli from node_modules, as `plugins link` or a dependency would, and runs
 * `host token list --json` against the simulator.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { CLI_DIR, runCli } from './support/run-cli.js';

let sim: GitlabSim;
let host: string;

beforeAll(async () => {
  sim = await start();
  host = mkdtempSync(join(tmpdir(), 'glkeys-host-cli-'));
  writeFileSync(
    join(host, 'package.json'),
    JSON.stringify({ name: 'host-cli', version: '1.0.0', type: 'module', dependencies: { '@glkeys/cli': '*', '@oclif/core': '4.14.0' }, oclif: { bin: 'host', topicSeparator: ' ', plugins: ['@glkeys/cli'] } }),
  );
  mkdirSync(join(host, 'bin'));
  writeFileSync(join(host, 'bin', 'run.js'), "import { execute } from '@oclif/core';\nawait execute({ dir: import.meta.url });\n");
  mkdirSync(join(host, 'node_modules', '@glkeys'), { recursive: true });
  mkdirSync(join(host, 'node_modules', '@oclif'), { recursive: true });
  symlinkSync(CLI_DIR, join(host, 'node_modules', '@glkeys', 'cli'), 'dir');
  const oclifCore = dirname(realpathSync(createRequire(join(CLI_DIR, 'package.json')).resolve('@oclif/core/package.json')));
  symlinkSync(oclifCore, join(host, 'node_modules', '@oclif', 'core'), 'dir');
});
afterAll(async () => {
  await sim.close();
  rmSync(host, { recursive: true, force: true });
});

it('a host oclif CLI runs `host token list --json` from the glkeys plugin', async () => {
  const run = await runCli(['token', 'list', '--project', 'platform/apps/web', '--json'], {
    bin: join(host, 'bin', 'run.js'),
    cwd: host,
    env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner },
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.json()).toEqual({ target: { kind: 'project', id: null, path: 'platform/apps/web' }, tokens: [] });
  expect(sim.log.count({ route: 'GET /projects/:id/deploy_tokens' })).toBe(1);
});

it('the host lists the glkeys topics in its help', async () => {
  const run = await runCli(['--help'], { bin: join(host, 'bin', 'run.js'), cwd: host });
  expect(run.code).toBe(0);
  expect(run.stdout).toMatch(/token\s+GitLab deploy tokens/);
  expect(run.stdout).toMatch(/bootstrap\s+Flux bootstrap/);
});
