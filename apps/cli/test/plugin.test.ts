/**
 * glkeys as an oclif plugin inside another oclif CLI ("host"), two ways:
 * - `host plugins link <apps/cli> --no-install` through @oclif/plugin-plugins, the way a user adds
 *   it to their own CLI, then `host token list --json` against the simulator;
 * - as a dependency named in the host's `oclif.plugins` (how a CLI bundles it), which loads the
 *   plugin through its oclif.manifest.json instead of the link's development path.
 * Everything comes from the workspace's node_modules (symlinks); nothing is installed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { CLI_DIR, runCli, type RunOptions } from './support/run-cli.js';

let sim: GitlabSim;
const temps: string[] = [];
// oclif warns that a linked ESM plugin runs from its compiled dist (no ts-node); nothing else may appear.
const LINK_WARNING = /is a linked ESM module and cannot be|auto-transpiled|Existing compiled source will be used instead/;

beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** A host CLI package in a temp dir whose node_modules point at the workspace's packages. */
function hostCli(oclifPlugins: string[], links: Record<string, string>): string {
  const root = tempDir('glkeys-host-cli-');
  const dependencies = Object.fromEntries(Object.keys(links).map((name) => [name, '*']));
  writeFileSync(
    join(root, 'package.json'),
    JSON.stringify({
      name: 'host-cli',
      version: '1.0.0',
      type: 'module',
      dependencies,
      oclif: { bin: 'host', dirname: 'host', topicSeparator: ' ', plugins: oclifPlugins },
    }),
  );
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'bin', 'run.js'), "import { execute } from '@oclif/core';\nawait execute({ dir: import.meta.url });\n");
  for (const [name, target] of Object.entries(links)) {
    mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
    symlinkSync(target, join(root, 'node_modules', name), 'dir');
  }
  return root;
}

// apps/cli's own dependencies (pnpm links each one into apps/cli/node_modules).
const workspacePackage = (name: string) => realpathSync(join(CLI_DIR, 'node_modules', name));
const stderrBeyondLinkWarning = (stderr: string) => stderr.split('\n').filter((line) => line.trim() !== '' && !LINK_WARNING.test(line));

// The three steps build on each other (link, use, unlink); vitest runs them in order.
describe('host plugins link', () => {
  let host: string;
  let data: string;
  let run: (args: string[], env?: RunOptions['env']) => ReturnType<typeof runCli>;

  beforeAll(() => {
    host = hostCli(['@oclif/plugin-plugins'], {
      '@oclif/core': workspacePackage('@oclif/core'),
      '@oclif/plugin-plugins': workspacePackage('@oclif/plugin-plugins'),
    });
    data = tempDir('glkeys-host-data-');
    run = (args, env = {}) =>
      runCli(args, {
        bin: join(host, 'bin', 'run.js'),
        cwd: host,
        env: {
          // The host keeps its linked plugins in its data dir: a temp dir, never the user's.
          HOST_DATA_DIR: join(data, 'data'),
          HOST_CACHE_DIR: join(data, 'cache'),
          HOST_CONFIG_DIR: join(data, 'config'),
          // Any attempt to install would fail here instead of reaching a registry.
          npm_config_registry: 'http://127.0.0.1:9/',
          npm_config_offline: 'true',
          ...env,
        },
      });
  });

  it('links apps/cli without installing anything and lists it as a linked plugin', async () => {
    const link = await run(['plugins', 'link', CLI_DIR, '--no-install']);
    expect(link.code).toBe(0);
    expect(stderrBeyondLinkWarning(link.stderr).filter((line) => !/Linking plugin .* done/.test(line))).toEqual([]);
    const recorded = JSON.parse(readFileSync(join(data, 'data', 'package.json'), 'utf8')) as { oclif: { plugins: unknown[] } };
    expect(recorded.oclif.plugins).toEqual([{ name: '@glkeys/cli', root: realpathSync(CLI_DIR), type: 'link' }]);
    expect(existsSync(join(data, 'data', 'node_modules'))).toBe(false);

    const plugins = await run(['plugins']);
    expect(plugins.code).toBe(0);
    expect(plugins.stdout).toContain(`@glkeys/cli 0.1.0 (link) ${realpathSync(CLI_DIR)}`);
  });

  it('runs `host token list --json` from the linked plugin against the simulator', async () => {
    const project = sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!;
    const seeded = sim.state.createDeployToken(
      { kind: 'project', id: project.id },
      { name: 'linked-plugin', scopes: ['read_repository'], expiresAt: null },
    );
    sim.log.clear();
    const list = await run(['token', 'list', '--project', SEED_PATHS.project, '--json'], {
      GITLAB_HOST: sim.url,
      GITLAB_TOKEN: SEED_TOKENS.owner,
    });
    expect(stderrBeyondLinkWarning(list.stderr)).toEqual([]);
    expect(list.code).toBe(0);
    const body = list.json<{ target: unknown; tokens: Array<{ id: number; name: string }> }>();
    expect(body.target).toEqual({ kind: 'project', id: null, path: SEED_PATHS.project });
    expect(body.tokens.map((t) => [t.id, t.name])).toEqual([[seeded.id, 'linked-plugin']]);
    expect(list.stdout).not.toContain(seeded.token);
    expect(sim.log.count({ route: 'GET /projects/:id/deploy_tokens' })).toBe(1);
  });

  it('no longer has glkeys commands after `plugins unlink`', async () => {
    expect((await run(['plugins', 'unlink', '@glkeys/cli'])).code).toBe(0);
    expect((await run(['plugins'])).stdout).not.toContain('@glkeys/cli');
    const gone = await run(['token', 'list', '--project', SEED_PATHS.project, '--json'], {
      GITLAB_HOST: sim.url,
      GITLAB_TOKEN: SEED_TOKENS.owner,
    });
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/command token:list not found|token list.*not found/i);
  });
});

describe('glkeys as a dependency in the host oclif.plugins', () => {
  let host: string;

  beforeAll(() => {
    host = hostCli(['@glkeys/cli'], { '@glkeys/cli': CLI_DIR, '@oclif/core': workspacePackage('@oclif/core') });
  });

  it('runs `host token list --json` and shows the glkeys topics in the host help', async () => {
    sim.log.clear();
    const list = await runCli(['token', 'list', '--project', SEED_PATHS.otherProject, '--json'], {
      bin: join(host, 'bin', 'run.js'),
      cwd: host,
      env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner },
    });
    expect(list.stderr).toBe('');
    expect(list.code).toBe(0);
    expect(list.json()).toEqual({ target: { kind: 'project', id: null, path: SEED_PATHS.otherProject }, tokens: [] });
    expect(sim.log.count({ route: 'GET /projects/:id/deploy_tokens' })).toBe(1);

    const help = await runCli(['--help'], { bin: join(host, 'bin', 'run.js'), cwd: host });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/token\s+GitLab deploy tokens/);
    expect(help.stdout).toMatch(/bootstrap\s+Flux bootstrap/);
  });
});
