/**
 * pushFiles' failure paths with the real `git` against a scripted HTTP server: what is retried
 * (5xx, timeouts), what is not (401), how the credential reaches git (askpass, never argv), and
 * that bad input stops before any request. The happy paths run in apps/cli against real servers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, parseGitRemoteUrl, pushFiles, syncFiles, type PushFilesInput } from '../../src/bootstrap/index.js';
import { ValidationError } from '../../src/index.js';
import { sshCommand } from '../../src/git/remote.js';
import { startScriptedServer, type ScriptedServer, type Step } from '../support/scripted-server.js';

const PASSWORD = 'scripted-password-9e8d7c6b';
let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function attempt(steps: Step[], extra: Partial<PushFilesInput> = {}) {
  server = await startScriptedServer(steps);
  const url = `${server.url.replace(/\/$/, '')}/team/fleet.git`;
  const waits: number[] = [];
  const error = await pushFiles({
    url,
    branch: 'main',
    files: syncFiles({ name: 'flux-system', namespace: 'flux-system', url, branch: 'main', secretName: 'flux-system', path: '' }),
    auth: { kind: 'https', username: 'flux', password: PASSWORD },
    retry: { limit: 2 },
    sleep: async (ms) => waits.push(ms),
    ...extra,
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error: error as GitCommandError, waits, received: server.received };
}

describe('pushFiles over HTTP', () => {
  it('answers 401 with the credential from GIT_ASKPASS, does not retry it, and never echoes the password', async () => {
    const unauthorized: Step = { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="git"' }, body: 'no' };
    const { error, waits, received } = await attempt([unauthorized, unauthorized, unauthorized]);
    expect(error).toBeInstanceOf(GitCommandError);
    expect(error.reason).toBe('auth');
    expect(error.message).toContain('refused the credential');
    expect(error.message).not.toContain(PASSWORD);
    expect(waits).toEqual([]);
    const sent = received.map((r) => r.headers.authorization).filter(Boolean);
    expect(sent).toContain(`Basic ${Buffer.from(`flux:${PASSWORD}`).toString('base64')}`);
    expect(received.every((r) => !r.url.includes(PASSWORD))).toBe(true);
  });

  it('retries a 503 with core backoff, then says the server could not be reached', async () => {
    const { error, waits, received } = await attempt([{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }]);
    expect(error.reason).toBe('unreachable');
    expect(error.message).toContain('could not be reached');
    expect(waits).toHaveLength(2);
    expect(received).toHaveLength(3);
  });

  it('a server that never answers hits the per-call timeout, which is retried too', async () => {
    const { error, waits, received } = await attempt([{ hang: true }, { hang: true }], { timeoutMs: 1_500, retry: { limit: 1 } });
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('did not answer in time');
    expect(waits).toHaveLength(1);
    expect(received).toHaveLength(2);
  });

  it('refuses bad input before any request', async () => {
    const cases: [string, Partial<PushFilesInput>][] = [
      ['branch', { branch: 'a..b' }],
      ['auth', { auth: { kind: 'ssh', privateKey: 'x', knownHosts: 'y' } }],
      ['files', { files: [{ path: '../outside.yaml', content: '' }] }],
      ['files', { files: [{ path: '.git/config', content: '' }] }],
      ['authorEmail', { authorEmail: 'nobody' }],
      ['authorName', { authorName: 'Eve <e@example.com>' }],
    ];
    for (const [field, extra] of cases) {
      const { error, received } = await attempt([], extra);
      expect(error, field).toBeInstanceOf(ValidationError);
      expect((error as unknown as ValidationError).field).toBe(field);
      expect(received).toEqual([]);
      await server?.close();
      server = undefined;
    }
  });
});

describe('parseGitRemoteUrl', () => {
  it('reads transport, host and port', () => {
    expect(parseGitRemoteUrl('ssh://git@git.example.com:2222/team/fleet.git')).toMatchObject({
      transport: 'ssh',
      host: 'git.example.com',
      port: 2222,
    });
    expect(parseGitRemoteUrl('ssh://git@[2001:db8::1]/fleet.git')).toMatchObject({ transport: 'ssh', host: '2001:db8::1', port: 22 });
    expect(parseGitRemoteUrl('https://git.example.com/team/fleet.git')).toMatchObject({ transport: 'https', port: 443 });
  });

  it('refuses what git or Flux would mishandle, naming the field, without echoing a password', () => {
    for (const bad of [
      'git@example.com:team/fleet.git',
      'ftp://example.com/x.git',
      'https://example.com/',
      'https://u:p@example.com/x.git',
      'ssh://git:pw@example.com/x.git',
      'https://example.com/x.git?ref=1',
      'ssh://git@exa mple.com/x',
    ]) {
      expect(() => parseGitRemoteUrl(bad, '--url'), bad).toThrow(ValidationError);
    }
    const error = (() => {
      try {
        parseGitRemoteUrl('https://user:hunter2-secret@host:99999999/x.git', '--url');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error?.field).toBe('--url');
    expect(error?.message).not.toContain('hunter2-secret');
  });
});

describe('sshCommand', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "glkeys ssh 'quoted' "));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // `ssh -G` prints the configuration ssh would use, without connecting.
  it('makes ssh use only the given key and known_hosts, strictly, on the port git passes', () => {
    const key = join(dir, 'identity');
    writeFileSync(key, 'ssh -G lists only identity files that exist\n', { mode: 0o600 });
    const command = sshCommand(key, join(dir, 'known_hosts'));
    const config = execFileSync('sh', ['-c', `${command} -G -p 2222 git@git.example.com`], { encoding: 'utf8' });
    const lines = new Set(config.split('\n'));
    expect(lines).toContain(`identityfile ${key}`);
    expect(lines).toContain('identitiesonly yes');
    expect(lines).toContain('stricthostkeychecking true');
    expect(lines).toContain('batchmode yes');
    expect(lines).toContain('globalknownhostsfile /dev/null');
    expect(lines).toContain('port 2222');
    expect(lines).toContain(`userknownhostsfile ${join(dir, 'known_hosts')}`);
  });
});
