/**
 * The fast path (token/key list/get without oclif) against the real binary and simulator:
 * for each command line it prints byte for byte what oclif prints (GLKEYS_FAST_PATH=0), with
 * the same exit code, and a load probe shows which path ran: the fast path loads neither
 * oclif nor undici; anything unusual goes to oclif.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TOKENS, createTestCertificates, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { OCLIF_SCOPED_SETTINGS } from '../src/fast-path/index.js';
import { CLI_DIR, leaksOf, runCli, type CliRun } from './support/run-cli.js';

const PROBE = new URL('./support/load-probe.cjs', import.meta.url).pathname;
const PROJECT = 'platform/apps/web';
let sim: GitlabSim;
let tls: GitlabSim;
let dir: string;
let caFile: string;
let tokenId: number;
let keyId: number;
let probes = 0;

beforeAll(async () => {
  sim = await start();
  const certs = createTestCertificates();
  tls = await start({ tls: { key: certs.key, cert: certs.cert } });
  dir = mkdtempSync(join(tmpdir(), 'glkeys-fast-path-'));
  caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, certs.caCert);
  const created = await runCli(
    ['token', 'create', '--project', PROJECT, '--name', 'a%sname %% with spaces', '--scopes', 'read_repository', '--json'],
    {
      env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner },
      requested: true,
    },
  );
  tokenId = created.json<{ id: number }>().id;
  const key = await runCli(['key', 'create', '--project', PROJECT, '--title', 'fast-path', '--output-file', join(dir, 'id'), '--json'], {
    env: { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner },
  });
  keyId = key.json<{ id: number }>().id;
});
afterAll(async () => {
  await sim.close();
  await tls.close();
  rmSync(dir, { recursive: true, force: true });
});

async function probed(
  args: string[],
  env: Record<string, string | undefined>,
  input?: string,
): Promise<{ run: CliRun; loaded: { oclif: boolean; undici: boolean } }> {
  const out = join(dir, `probe-${(probes += 1)}.json`);
  const run = await runCli(args, {
    env: { ...env, NODE_OPTIONS: `--require ${PROBE}`, GLKEYS_TEST_PROBE_OUT: out },
    ...(input === undefined ? {} : { input }),
  });
  return { run, loaded: JSON.parse(readFileSync(out, 'utf8')) as { oclif: boolean; undici: boolean } };
}

/** Runs the line on the fast path and through oclif; both must print the same. */
async function bothWays(args: string[], env: Record<string, string | undefined>, input?: string) {
  const fast = await probed(args, env, input);
  const oclif = await probed(args, { ...env, GLKEYS_FAST_PATH: '0' }, input);
  expect(oclif.loaded.oclif, 'GLKEYS_FAST_PATH=0 runs oclif').toBe(true);
  expect({ code: fast.run.code, stdout: fast.run.stdout, stderr: fast.run.stderr }, args.join(' ')).toEqual({
    code: oclif.run.code,
    stdout: oclif.run.stdout,
    stderr: oclif.run.stderr,
  });
  return fast;
}

describe('the same output as oclif, without loading oclif', () => {
  const cases: [string, () => string[], (() => Record<string, string>)?][] = [
    ['token list, table', () => ['token', 'list', '--project', PROJECT]],
    ['token list --json', () => ['token', 'list', '--project', PROJECT, '--json']],
    [
      'token list by URL with --active, on --host',
      () => ['token', 'list', '--active', '--project', `${sim.url}/${PROJECT}/-/settings/repository`, '--host', sim.url, '--json'],
    ],
    ['token list of a group', () => ['token', 'list', '--group=platform']],
    ['token get', () => ['token', 'get', String(tokenId), '--project', PROJECT]],
    ['token get --json', () => ['token', 'get', '--project', PROJECT, String(tokenId), '--json']],
    ['key list', () => ['key', 'list', '--project', PROJECT]],
    ['key get --json', () => ['key', 'get', String(keyId), '--project', PROJECT, '--json']],
    ['an unknown project (404, exit 4)', () => ['token', 'list', '--project', 'platform/nope']],
    ['an unknown project with --json', () => ['token', 'list', '--project', 'platform/nope', '--json']],
    ['a missing token (exit 4)', () => ['token', 'get', '999999', '--project', PROJECT]],
    ['a bad ID (exit 2, no call)', () => ['token', 'get', 'abc', '--project', PROJECT, '--json']],
    ['a bad path (exit 2, no call)', () => ['key', 'list', '--project', 'platform//web']],
    ['a bad host', () => ['token', 'list', '--project', PROJECT, '--hostname', 'ftp://x']],
    [
      'a refused token (401, exit 3)',
      () => ['token', 'list', '--project', PROJECT],
      () => ({ GITLAB_TOKEN: 'glpat-not-a-real-token-0000' }),
    ],
    ['HTTPS with --ca-file', () => ['token', 'list', '--project', PROJECT, '--hostname', tls.url, '--ca-file', caFile, '--json']],
  ];
  it.each(cases)('%s', async (_name, args, extraEnv) => {
    const fast = await bothWays(args(), { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, ...extraEnv?.() });
    expect(fast.loaded).toEqual({ oclif: false, undici: false });
  });

  it('reads the token from one line of stdin when GITLAB_TOKEN is unset', async () => {
    const fast = await bothWays(
      ['token', 'list', '--project', PROJECT, '--json'],
      { GITLAB_HOST: sim.url, GITLAB_TOKEN: undefined },
      `${SEED_TOKENS.owner}\n`,
    );
    expect(fast.run.code).toBe(0);
    expect(fast.loaded.oclif).toBe(false);
  });

  it('lists what GitLab has, not a canned answer', async () => {
    const { run } = await probed(['token', 'list', '--project', PROJECT, '--json'], {
      GITLAB_HOST: sim.url,
      GITLAB_TOKEN: SEED_TOKENS.owner,
    });
    const ids = run.json<{ tokens: { id: number }[] }>().tokens.map((t) => t.id);
    expect(ids.sort()).toEqual(
      sim.state
        .deployTokens(PROJECT)
        .filter((t) => !t.revoked)
        .map((t) => t.id)
        .sort(),
    );
    expect(ids).toContain(tokenId);
  });
});

describe('hands everything else to oclif', () => {
  const env = () => ({ GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner });
  it.each([
    ['help', ['token', 'list', '--help'], {}],
    ['a usage error', ['token', 'list', '--project', PROJECT, '--group', 'platform'], {}],
    ['a missing --ca-file', ['token', 'list', '--project', PROJECT, '--ca-file', '/nonexistent.pem'], {}],
    ['a write command', ['token', 'revoke', '999999', '--project', PROJECT, '--json'], {}],
    ['GLKEYS_CONTENT_TYPE=json', ['token', 'list', '--project', PROJECT], { GLKEYS_CONTENT_TYPE: 'json' }],
    ['DEBUG', ['token', 'list', '--project', PROJECT], { DEBUG: 'nothing-matches' }],
  ] as const)('%s', async (_name, args, extra) => {
    const { run, loaded } = await probed([...args], { ...env(), ...extra });
    expect(loaded.oclif).toBe(true);
    expect(run.stdout + run.stderr).not.toBe('');
  });

  it('--json output in the GLKEYS_CONTENT_TYPE=json case is still JSON', async () => {
    const { run } = await probed(['token', 'list', '--project', PROJECT], { ...env(), GLKEYS_CONTENT_TYPE: 'json' });
    const ids = run.json<{ tokens: { id: number }[] }>().tokens.map((t) => t.id);
    expect(ids).toContain(tokenId);
  });
});

it("knows every GLKEYS_* setting oclif reads (checked against oclif's code)", () => {
  const lib = join(dirname(createRequire(join(CLI_DIR, 'package.json')).resolve('@oclif/core')), '..', 'lib');
  const names = new Set<string>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name));
      else if (entry.name.endsWith('.js')) {
        for (const m of readFileSync(join(folder, entry.name), 'utf8').matchAll(
          /scopedEnvVar(?:True|Key|Keys)?\??\.?\(\s*['"]([A-Z_]+)['"]/g,
        ))
          names.add(m[1]!);
      }
    }
  };
  walk(lib);
  expect(names.size).toBeGreaterThan(5);
  expect([...names].filter((n) => !OCLIF_SCOPED_SETTINGS.includes(n))).toEqual([]);
});

it('printed no token value or PAT', () => {
  const values = sim.state
    .deployTokens(PROJECT)
    .map((t) => t.token)
    .filter((t): t is string => typeof t === 'string');
  expect(leaksOf([SEED_TOKENS.owner, ...values])).toEqual([]);
});
