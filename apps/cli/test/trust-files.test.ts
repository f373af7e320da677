/**
 * Issue 12, "loses or leaks a credential": --output-file is checked before any GitLab call,
 * never replaced without --force, written through a temporary file; a generated key with
 * --passphrase is written encrypted. The real binary against the simulator.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS, start, type GitlabSim } from '@glkeys/gitlab-sim';
import { leaksOf, runCli } from './support/run-cli.js';

let sim: GitlabSim;
let dir: string;
beforeAll(async () => {
  sim = await start();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.log.clear();
  dir = mkdtempSync(join(tmpdir(), 'glkeys-out-'));
});

const env = { GITLAB_TOKEN: SEED_TOKENS.owner };
const run = (args: string[]) => runCli([...args, '--json'], { env: { ...env, GITLAB_HOST: sim.url } });
const WEB = SEED_PATHS.project;
type ErrorJson = { error: { code: string; message: string; exitCode: number; field?: string; hint?: string } };
const tokenCreate = (file: string, ...more: string[]) => [
  'token',
  'create',
  '--project',
  WEB,
  '--name',
  'f',
  '--output-file',
  file,
  ...more,
];
const keyCreate = (file: string, ...more: string[]) => ['key', 'create', '--project', WEB, '--title', 'k', '--output-file', file, ...more];

describe.each([
  ['token create', tokenCreate],
  ['key create', keyCreate],
])('%s --output-file', (_name, command) => {
  it('refuses an existing file without --force: exit 2, --output-file, the file unchanged, 0 GitLab calls', async () => {
    const file = join(dir, 'out');
    writeFileSync(file, 'precious\n');
    const result = await run(command(file));
    expect(result.code).toBe(2);
    const { error } = result.json<ErrorJson>();
    expect(error.field).toBe('--output-file');
    expect(error.message).toBe(`--output-file: ${file} already exists; pass --force to replace it, or choose another file`);
    expect(readFileSync(file, 'utf8')).toBe('precious\n');
    expect(sim.log.count()).toBe(0);
  });

  it('refuses a missing folder, a folder given as the file, and a file given as the folder: exit 2, 0 GitLab calls', async () => {
    writeFileSync(join(dir, 'plain'), '');
    for (const file of [join(dir, 'missing', 'out'), dir, join(dir, 'plain', 'out')]) {
      const result = await run(command(file));
      expect(result.code).toBe(2);
      expect(result.json<ErrorJson>().error.field).toBe('--output-file');
    }
    expect(sim.log.count()).toBe(0);
  });

  it('replaces an existing file with --force, mode 0600, leaving no temporary file', async () => {
    const file = join(dir, 'out');
    writeFileSync(file, 'old\n', { mode: 0o644 });
    if (command === keyCreate) writeFileSync(`${file}.pub`, 'old\n');
    const result = await runCli([...command(file, '--force')], { env: { ...env, GITLAB_HOST: sim.url } });
    expect(result.code).toBe(0);
    expect(readFileSync(file, 'utf8')).not.toBe('old\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(sim.log.count({ write: true })).toBe(1);
  });
});

describe('key create', () => {
  it('refuses when only the .pub beside --output-file exists (0 GitLab calls)', async () => {
    const file = join(dir, 'id');
    writeFileSync(`${file}.pub`, 'mine\n');
    const result = await run(keyCreate(file));
    expect(result.code).toBe(2);
    expect(result.json<ErrorJson>().error.message).toContain(`${file}.pub already exists`);
    expect(sim.log.count()).toBe(0);
  });

  it('writes the generated key encrypted with --passphrase: ssh-keygen opens it only with the passphrase', async () => {
    const file = join(dir, 'id');
    const result = await runCli(keyCreate(file, '--passphrase', 'open sesame'), { env: { ...env, GITLAB_HOST: sim.url } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('encrypted with the passphrase');
    const text = readFileSync(file, 'utf8');
    expect(Buffer.from(text.split('\n').slice(1, -2).join(''), 'base64').toString('latin1')).toContain('aes256-ctr');
    const pub = execFileSync('ssh-keygen', ['-y', '-P', 'open sesame', '-f', file], { encoding: 'utf8' }).trim();
    expect(readFileSync(`${file}.pub`, 'utf8').startsWith(pub.split(' ').slice(0, 2).join(' '))).toBe(true);
    expect(() => execFileSync('ssh-keygen', ['-y', '-P', '', '-f', file], { stdio: 'ignore' })).toThrow();
  });

  it('refuses --passphrase with --secret for a generated key (exit 2, --passphrase, 0 GitLab calls)', async () => {
    const result = await run(['key', 'create', '--project', WEB, '--title', 'k', '--secret', 's', '--passphrase', 'x']);
    expect(result.code).toBe(2);
    expect(result.json<ErrorJson>().error.field).toBe('--passphrase');
    expect(sim.log.count()).toBe(0);
  });

  it('leaks no secret in any output', () => {
    expect(leaksOf(['open sesame'])).toEqual([]);
  });
});

describe('output.ts', () => {
  it('never replaces a file that appeared after the check, and leaves no temporary file', async () => {
    const { writeSecretFile } = await import('../src/lib/output.js');
    const file = join(dir, 'raced');
    writeFileSync(file, 'theirs\n');
    await expect(writeSecretFile(file, 'mine')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(readFileSync(file, 'utf8')).toBe('theirs\n');
    expect(readdirSync(dir)).toEqual(['raced']);
  });

  it('revokes the credential when its value cannot be written, and says whether that worked', async () => {
    const { deliverOrRevoke } = await import('../src/lib/output.js');
    const full = () => Promise.reject(Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write', path: '/x/token' }));
    let revoked = 0;
    const ok = await deliverOrRevoke(full, async () => void (revoked += 1), 'deploy token 7').catch((e: Error) => e);
    expect(revoked).toBe(1);
    expect((ok as Error).message).toBe(
      '--output-file: cannot write "/x/token": no space left on the device (ENOSPC); deploy token 7 was revoked in GitLab, so nothing is left live',
    );
    const failed = await deliverOrRevoke(full, () => Promise.reject(new Error('503')), 'deploy token 8').catch((e: Error) => e);
    expect((failed as Error).message).toMatch(/revoking deploy token 8 failed too: it is live in GitLab and nobody holds it; revoke it$/);
  });
});
