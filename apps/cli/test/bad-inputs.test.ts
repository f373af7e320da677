/**
 * A table of bad inputs across every command, run through the real binary against one
 * simulator (and the real apiserver for Secret targets). Each must fail (exit code not 0), name
 * the flag, argument or command the user typed, print no raw control character, and make no
 * GitLab call: the simulator's request log is read after every batch. The count is printed, and
 * the README states it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { testEnv } from '@glkeys/kube-testenv/vitest';
import { runCli, type CliRun } from './support/run-cli.js';

let sim: GitlabSim;
let dir: string;
let host: string;

beforeAll(async () => {
  sim = await start();
  host = new URL(sim.url).host;
  dir = mkdtempSync(join(tmpdir(), 'glkeys-bad-'));
  writeFileSync(join(dir, 'ci.yml'), 'job:\n  script: [echo ok]\n');
  writeFileSync(join(dir, 'not-a-key'), 'hello\n');
});
afterAll(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Case {
  args: string[];
  /** What the message must name: the flag (`--project`), argument (`ID`) or command typed. */
  names: string;
  /** Expected exit code (default 2: usage or validation, nothing sent). */
  code?: number;
  env?: Record<string, string>;
}

const P = 'platform/apps/web';
const FORGED = 'Error: forged';
const c = (names: string, args: string[], more: Partial<Case> = {}): Case => ({ names, args, ...more });

/** The fixed flags each command needs to reach its --project/--group check. */
function projectCommands(): [string[], string[]][] {
  return [
    [
      ['token', 'create'],
      ['--name', 'x'],
    ],
    [['token', 'list'], []],
    [['token', 'get', '1'], []],
    [['token', 'revoke', '1'], []],
    [
      ['token', 'rotate'],
      ['--name', 'x', '--secret', 's'],
    ],
    [
      ['key', 'create'],
      ['--title', 't', '--output-file', join(dir, 'k')],
    ],
    [['key', 'list'], []],
    [['key', 'get', '1'], []],
    [['key', 'delete', '1'], []],
    [['key', 'enable', '1'], []],
    [
      ['key', 'rotate'],
      ['--title', 't', '--secret', 's'],
    ],
    [
      ['ci', 'setup'],
      ['--preset', 'registry-pull', '--image', 'registry.example.com/app:1.0'],
    ],
    [['ci', 'lint', join(dir, 'ci.yml')], []],
  ];
}

function cases(): Case[] {
  const all: Case[] = [];
  const badProjects = [
    '',
    'a b',
    ' platform/apps/web',
    'group/%2Fx',
    'https://elsewhere.example/group/p',
    '1.5',
    '1e3',
    '0',
    'web',
    'group//app',
    'group/app.git',
    '../x',
    `http://${host}/groups/platform/apps`,
    `http://${host}/groups/platform/apps/-/settings/repository`,
    'git@elsewhere.example:platform/apps/web.git',
    'ftp://gitlab.example.com/a/b',
    `a/b\n${FORGED}`,
    'a/b\r',
    'a/\u001b[2Jb',
    '9007199254740993',
  ];
  // Every bad reference on the commands with different paths to the check (oclif, the fast path,
  // ci); a sample of them on the rest.
  const everyValue = new Set(['token create', 'key list', 'ci lint']);
  for (const [command, fixed] of projectCommands()) {
    const values = everyValue.has(command.slice(0, 2).join(' ')) ? badProjects : badProjects.filter((_, i) => i % 4 === 1);
    for (const bad of values) all.push(c('--project', [...command, ...fixed, '--project', bad]));
  }
  const badGroups = ['', '1.5', `git@${host.split(':')[0]}:platform/apps/web.git`, 'a b', 'x/%2F', 'https://elsewhere.example/x'];
  for (const [command, fixed] of projectCommands().slice(0, 5)) {
    for (const bad of badGroups) all.push(c('--group', [...command, ...fixed, '--group', bad]));
  }

  // Expiry: one rule, at least an hour.
  const expiring: string[][] = [
    ['token', 'create', '--project', P, '--name', 'x'],
    ['key', 'create', '--project', P, '--title', 't', '--output-file', join(dir, 'k')],
    ['token', 'rotate', '--project', P, '--name', 'x', '--secret', 's'],
  ];
  for (const args of expiring) {
    for (const bad of ['1m', '59m', '30', '3y', '-5d', '0d', '1mo', '1 d', `2d\n${FORGED}`])
      all.push(c('--expires-in', [...args, '--expires-in', bad]));
  }
  for (const args of expiring.slice(0, 2)) {
    for (const bad of ['2001-01-01', '2027-02-30', '01/02/2030', 'tomorrow']) all.push(c('--expires-at', [...args, '--expires-at', bad]));
  }

  // Credential IDs.
  for (const command of [
    ['token', 'get'],
    ['token', 'revoke'],
    ['key', 'get'],
    ['key', 'delete'],
    ['key', 'enable'],
  ]) {
    for (const bad of ['abc', '0', '1.5', '9007199254740993', '1e3', `7\n${FORGED}`]) all.push(c('ID', [...command, bad, '--project', P]));
  }

  // Unknown flags: the message names the typed flag (and suggests the nearest).
  all.push(
    c('--scope', ['token', 'create', '--project', P, '--name', 'x', '--scope', 'read_repository']),
    c('--activ', ['token', 'list', '--project', P, '--activ']),
    c('--projet', ['token', 'get', '1', '--projet', P]),
    c('--read-only', ['key', 'create', '--project', P, '--title', 't', '--read-only']),
    c('--group', ['key', 'list', '--group', 'platform']),
    c('--repo', ['bootstrap', 'gitlab', '--owner', 'platform', '--repo', 'fleet']),
    c('--branh', ['bootstrap', 'git', '--url', 'ssh://git@h/x.git', '--branh', 'main']),
    c('--presets', ['ci', 'generate', '--presets', 'flux']),
    c('--projet', ['ci', 'lint', '--projet', P]),
    c('--verbose', ['auth', 'status', '--verbose']),
    c('--dryrun', ['ci', 'kestra-label', dir, '--dryrun']),
    c('--token', ['token', 'list', '--project', P, '--token', 'glpat-x']),
  );

  // Unknown commands: the message names the command typed.
  for (const args of [
    ['token', 'delete', '3'],
    ['token', 'remove', '3'],
    ['key', 'revoke', '3'],
    ['tokn', 'list'],
    ['ci', 'validate'],
    ['auth', 'whoami'],
    ['keys', 'list'],
    ['bootstrap', 'github'],
  ]) {
    all.push(c(`${args[0]} ${args[1]}`, args));
  }

  // Missing required flags and arguments.
  all.push(
    c('--name', ['token', 'create', '--project', P]),
    c('--project', ['token', 'create', '--name', 'x']),
    c('ID', ['token', 'get', '--project', P]),
    c('ID', ['key', 'delete', '--project', P]),
    c('--title', ['key', 'create', '--project', P, '--output-file', join(dir, 'k')]),
    c('--secret', ['token', 'rotate', '--project', P, '--name', 'x']),
    c('--secret', ['key', 'rotate', '--project', P, '--title', 't']),
    c('--owner', ['bootstrap', 'gitlab', '--repository', 'fleet']),
    c('--url', ['bootstrap', 'git']),
    c('--preset', ['ci', 'generate']),
    c('--project', ['ci', 'setup', '--preset', 'flux', '--path', './clusters/a']),
    c('--output-file', ['key', 'create', '--project', P, '--title', 't']),
    c('--name', ['token', 'create', '--project', P, '--name']),
  );

  // Bad values of enumerations and numbers.
  all.push(
    c('--format', ['token', 'create', '--project', P, '--name', 'x', '--secret', 's', '--format', 'nope']),
    c('--ssh-key-algorithm', [
      'key',
      'create',
      '--project',
      P,
      '--title',
      't',
      '--output-file',
      join(dir, 'k'),
      '--ssh-key-algorithm',
      'dsa',
    ]),
    c('--ssh-ecdsa-curve', ['key', 'rotate', '--project', P, '--title', 't', '--secret', 's', '--ssh-ecdsa-curve', 'p999']),
    c('--ssh-rsa-bits', [
      'key',
      'create',
      '--project',
      P,
      '--title',
      't',
      '--output-file',
      join(dir, 'k'),
      '--ssh-key-algorithm',
      'rsa',
      '--ssh-rsa-bits',
      'abc',
    ]),
    c('--ssh-rsa-bits', [
      'key',
      'create',
      '--project',
      P,
      '--title',
      't',
      '--output-file',
      join(dir, 'k'),
      '--ssh-key-algorithm',
      'rsa',
      '--ssh-rsa-bits',
      '1024',
    ]),
    c('--visibility', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--visibility', 'secret']),
    c('--preset', ['ci', 'generate', '--preset', 'jenkins']),
    c('--scopes', ['token', 'create', '--project', P, '--name', 'x', '--scopes', 'api']),
    c('--scopes', ['token', 'create', '--group', 'platform', '--name', 'x', '--scopes', 'read_virtual_registry']),
    c('--scopes', ['token', 'create', '--project', P, '--name', 'x', '--scopes', `read_repository\n${FORGED}`]),
    c('--username', ['token', 'create', '--project', P, '--name', 'x', '--username', 'bad name']),
    c('--name', ['token', 'create', '--project', P, '--name', `x\u001b[31my`]),
    c('--title', ['key', 'create', '--project', P, '--title', `t\n${FORGED}`, '--output-file', join(dir, 'k')]),
    c('--secret', ['token', 'create', '--project', P, '--name', 'x', '--secret', 'Bad_Name']),
    c('--namespace', ['token', 'create', '--project', P, '--name', 'x', '--secret', 's', '--namespace', 'Bad_NS']),
    c('--secret', ['key', 'rotate', '--project', P, '--title', 't', '--secret', 'UPPER']),
    c('--ssh-hostname', ['key', 'rotate', '--project', P, '--title', 't', '--secret', 's', '--ssh-hostname', 'host:99999']),
    c('--hostname', ['token', 'list', '--project', P, '--hostname', 'ftp://gitlab.example.com']),
    c('--hostname', ['token', 'create', '--project', P, '--name', 'x', '--hostname', 'https://user:pw@gitlab.example.com']),
    c('--hostname', ['auth', 'status', '--hostname', 'https://gitlab.example.com/?x=1']),
    c('--ca-file', ['token', 'list', '--project', P, '--ca-file', join(dir, 'missing.pem')]),
    c('--private-key-file', ['key', 'create', '--project', P, '--title', 't', '--private-key-file', join(dir, 'not-a-key')]),
    c('--private-key-file', ['key', 'create', '--project', P, '--title', 't', '--private-key-file', join(dir, 'missing')]),
    c('--kubeconfig', ['token', 'create', '--project', P, '--name', 'x', '--secret', 's', '--kubeconfig', join(dir, 'missing')]),
    c('--context', ['token', 'rotate', '--project', P, '--name', 'x', '--secret', 's', '--context', 'nope']),
    c('--project', ['token', 'list', '--project', 'x', '--group', 'y']),
  );

  // Flags that would have no effect, and flags that contradict each other.
  const key = ['key', 'create', '--project', P, '--title', 't', '--output-file', join(dir, 'k')];
  all.push(
    c('--format', ['token', 'create', '--project', P, '--name', 'x', '--format', 'flux-https']),
    c('--namespace', ['token', 'create', '--project', P, '--name', 'x', '--namespace', 'flux-system']),
    c('--take-over', ['token', 'create', '--project', P, '--name', 'x', '--take-over']),
    c('--create-namespace', ['token', 'create', '--project', P, '--name', 'x', '--create-namespace']),
    c('--registry-host', ['token', 'create', '--project', P, '--name', 'x', '--secret', 's', '--registry-host', 'registry.example.com']),
    c('--registry-host', ['token', 'rotate', '--project', P, '--name', 'x', '--secret', 's', '--registry-host', 'registry.example.com']),
    c('--context', ['token', 'create', '--project', P, '--name', 'x', '--context', 'kind']),
    c('--ssh-ecdsa-curve', [...key, '--ssh-key-algorithm', 'ed25519', '--ssh-ecdsa-curve', 'p256']),
    c('--ssh-rsa-bits', [...key, '--ssh-rsa-bits', '4096']),
    c('--ssh-ecdsa-curve', [...key, '--ssh-key-algorithm', 'rsa', '--ssh-ecdsa-curve', 'p521']),
    c('--ssh-hostname', [...key, '--ssh-hostname', 'ssh.example.com']),
    c('--namespace', [...key, '--namespace', 'flux-system']),
    c('--ssh-key-algorithm', [
      'key',
      'create',
      '--project',
      P,
      '--title',
      't',
      '--private-key-file',
      join(dir, 'not-a-key'),
      '--ssh-key-algorithm',
      'rsa',
    ]),
    c('--ssh-rsa-bits', [
      'key',
      'rotate',
      '--project',
      P,
      '--title',
      't',
      '--secret',
      's',
      '--ssh-key-algorithm',
      'ed25519',
      '--ssh-rsa-bits',
      '4096',
    ]),
    c('--visibility', [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform',
      '--repository',
      'fleet',
      '--private=false',
      '--visibility',
      'internal',
    ]),
    c('--visibility', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--visibility', 'public', '--private']),
    c('--visibility', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--visibility', 'private', '--no-private']),
    c('--ssh-key-algorithm', [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform',
      '--repository',
      'fleet',
      '--token-auth',
      '--ssh-key-algorithm',
      'rsa',
    ]),
    c('--ssh-hostname', [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform',
      '--repository',
      'fleet',
      '--deploy-token-auth',
      '--ssh-hostname',
      'h:22',
    ]),
    c('--ssh-ecdsa-curve', [
      'bootstrap',
      'gitlab',
      '--owner',
      'platform',
      '--repository',
      'fleet',
      '--ssh-key-algorithm',
      'ed25519',
      '--ssh-ecdsa-curve',
      'p256',
    ]),
    c('--kubeconfig', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--export', '--kubeconfig', '/tmp/kc']),
    c('--token-auth', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--token-auth', '--deploy-token-auth']),
    c('--read-write-key', ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet', '--token-auth', '--read-write-key']),
    c('--password', ['bootstrap', 'git', '--url', 'ssh://git@git.example.com/x.git', '--password', 'p', '--export']),
    c('--username', ['bootstrap', 'git', '--url', 'ssh://git@git.example.com/x.git', '--username', 'flux', '--export']),
    c('--ssh-key-algorithm', ['bootstrap', 'git', '--url', 'https://git.example.com/x.git', '--ssh-key-algorithm', 'rsa', '--export']),
    c('--commit-message', ['bootstrap', 'git', '--url', 'ssh://git@git.example.com/x.git', '--export', '--commit-message', 'm']),
    c('--context', ['bootstrap', 'git', '--url', 'ssh://git@git.example.com/x.git', '--export', '--context', 'kind']),
    c('--ci-file', ['ci', 'generate', '--preset', 'flux', '--path', './clusters/a', '--ci-file', 'x.yml']),
    c('--hostname', ['ci', 'lint', join(dir, 'ci.yml'), '--hostname', 'gitlab.example.com']),
    c('--ref', ['ci', 'lint', join(dir, 'ci.yml'), '--ref', 'main']),
    c('--expires-at', ['token', 'create', '--project', P, '--name', 'x', '--expires-at', '2030-01-01', '--expires-in', '30d']),
    c('--secret', ['token', 'create', '--project', P, '--name', 'x', '--secret', 's', '--output-file', join(dir, 't')]),
  );

  // bootstrap: everything checked before the token is read or GitLab asked.
  const bg = ['bootstrap', 'gitlab', '--owner', 'platform', '--repository', 'fleet'];
  all.push(
    c('--owner', ['bootstrap', 'gitlab', '--owner', 'a//b', '--repository', 'fleet']),
    c('--owner', ['bootstrap', 'gitlab', '--owner', `a\n${FORGED}`, '--repository', 'fleet']),
    c('--branch', [...bg, '--branch', 'a..b']),
    c('--branch', [...bg, '--branch', 'feature/']),
    c('--path', [...bg, '--path', '../x']),
    c('--namespace', [...bg, '--namespace', 'Bad_NS']),
    c('--secret-name', [...bg, '--secret-name', 'UPPER']),
    c('--interval', [...bg, '--interval', '5x']),
    c('--interval', [...bg, '--interval', '0s']),
    c('--ssh-hostname', [...bg, '--ssh-hostname', 'host:99999']),
    c('--ssh-rsa-bits', [...bg, '--ssh-key-algorithm', 'rsa', '--ssh-rsa-bits', '8192']),
    c('--hostname', [...bg, '--hostname', 'ftp://gitlab.example.com']),
  );
  const bgit = ['bootstrap', 'git', '--export'];
  all.push(
    c('--url', [...bgit, '--url', 'ftp://git.example.com/x.git']),
    c('--url', [...bgit, '--url', 'https://user:pw@git.example.com/x.git']),
    c('--url', [...bgit, '--url', 'http://git.example.com/x.git']),
    c('--ca-file', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--ca-file', join(dir, 'ci.yml')]),
    c('--private-key-file', [...bgit, '--url', 'https://git.example.com/x.git', '--private-key-file', join(dir, 'not-a-key')]),
    c('--private-key-file', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--private-key-file', join(dir, 'not-a-key')]),
    c('--branch', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--branch', 'a b']),
    c('--path', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--path', '../x']),
    c('--namespace', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--namespace', 'Bad_NS']),
    c('--interval', [...bgit, '--url', 'ssh://git@git.example.com/x.git', '--interval', '1d']),
    c('--output-dir', ['bootstrap', 'git', '--url', 'ssh://git@git.example.com/x.git', '--export', '--output-dir', dir]),
  );

  // ci: presets and files.
  const kestra = ['--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', 'https://kestra.example.com', '--namespace', 'prod'];
  all.push(
    c('--kestra-version', ['ci', 'generate', '--preset', 'kestra', '--kestra-host', 'https://kestra.example.com', '--namespace', 'prod']),
    c('--namespace', ['ci', 'generate', '--preset', 'kestra', '--kestra-version', '1.0.4', '--kestra-host', 'https://k.example.com']),
    c('--path', ['ci', 'generate', '--preset', 'flux']),
    c('--image', ['ci', 'generate', '--preset', 'registry-pull']),
    c('--path', ['ci', 'generate', '--preset', 'registry-pull', '--image', 'r.example.com/a:1.0.0', '--path', 'x']),
    c('--kestra-version', ['ci', 'generate', ...kestra.slice(0, 2), '--kestra-version', 'latest', ...kestra.slice(4)]),
    c('--tool-image', ['ci', 'generate', ...kestra, '--tool-image', 'x:1']),
    c('--overwrite', ['ci', 'generate', ...kestra, '--overwrite']),
    c('--include-file', ['ci', 'generate', ...kestra, '--include-file', 'a.yml', '--output', 'b.yml']),
    c('--value', ['ci', 'setup', '--project', P, '--preset', 'registry-pull', '--image', 'r.example.com/a:1.0.0', '--value', 'novalue']),
    c('--value', [
      'ci',
      'setup',
      '--project',
      P,
      '--preset',
      'registry-pull',
      '--image',
      'r.example.com/a:1.0.0',
      '--value',
      `K=@${join(dir, 'missing')}`,
    ]),
    c('--value-from-env', ['ci', 'setup', '--project', P, ...kestra, '--value-from-env', 'GLKEYS_TEST_UNSET_VARIABLE']),
    c('--value', ['ci', 'setup', '--project', P, '--preset', 'registry-pull', '--image', 'r.example.com/a:1.0.0', '--value', 'bad key=1']),
    c('FILE', ['ci', 'lint', join(dir, 'missing.yml')]),
    c('DIR', ['ci', 'kestra-label', join(dir, 'missing')]),
    c('DIR', ['ci', 'kestra-label', join(dir, 'ci.yml')]),
  );
  return all;
}

/** Raw control characters other than the line breaks between messages. */
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f]/;

function problems(run: CliRun, expected: Case): string[] {
  const found: string[] = [];
  if (run.code === 0) found.push('exit 0');
  else if (run.code !== (expected.code ?? 2)) found.push(`exit ${run.code}, expected ${expected.code ?? 2}`);
  const names = expected.names.replace(/[\n\r\u0000]/g, '');
  if (!run.stderr.includes(names)) found.push(`message does not name ${expected.names}`);
  if (RAW_CONTROL.test(run.stderr)) found.push('raw control character in stderr');
  if (run.stderr.split('\n').includes(FORGED)) found.push('a typed value forged a line');
  return found;
}

describe('bad inputs through the binary', () => {
  it('refuses every one, naming what was typed, with no GitLab call', { timeout: 900_000 }, async () => {
    const table = cases();
    const env = { GITLAB_HOST: sim.url, GITLAB_TOKEN: SEED_TOKENS.owner, KUBECONFIG: testEnv().kubeconfigPath };
    const failures: string[] = [];
    let calls = 0;
    let exitZero = 0;
    // Batches of four on one simulator; a batch that made a call is run again case by case to find it.
    for (let i = 0; i < table.length; i += 4) {
      const batch = table.slice(i, i + 4);
      sim.log.clear();
      const runs = await Promise.all(batch.map((entry) => runCli(entry.args, { env: { ...env, ...entry.env } })));
      const batchCalls = sim.log.count();
      runs.forEach((run, j) => {
        if (run.code === 0) exitZero += 1;
        const found = problems(run, batch[j]!);
        if (found.length) failures.push(`glkeys ${JSON.stringify(batch[j]!.args)}: ${found.join('; ')}\n  ${run.stderr.split('\n')[0]}`);
      });
      if (batchCalls > 0) {
        for (const entry of batch) {
          sim.log.clear();
          await runCli(entry.args, { env: { ...env, ...entry.env } });
          const made = sim.log.count();
          calls += made;
          if (made > 0) failures.push(`glkeys ${JSON.stringify(entry.args)}: ${made} GitLab call(s)`);
        }
      }
    }
    console.log(`bad inputs: ${table.length} cases, ${exitZero} exited 0, ${calls} GitLab calls, ${failures.length} failures`);
    expect(table.length).toBeGreaterThanOrEqual(200);
    expect(failures).toEqual([]);
    expect(exitZero).toBe(0);
    expect(calls).toBe(0);
  });
});
