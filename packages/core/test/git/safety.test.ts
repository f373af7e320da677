/**
 * The safety rules of bootstrap git's file handling: no secret in a git message (whole lines
 * dropped) and no file written through a symbolic link of a cloned repository. No decrypted
 * key is left behind by an aborted push: test/git/abort.test.ts.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/index.js';
import { parseGitRemoteUrl } from '../../src/bootstrap/index.js';
import { writeSyncFiles } from '../../src/git/checkout-files.js';
import { redact } from '../../src/git/exec.js';

const dir = mkdtempSync(join(tmpdir(), 'glkeys-git-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('redact', () => {
  const key = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
    'QyNTUxOQAAACBVn0yV7dPq0Ho2xD3bV2ypQfZkU9dxbmK2jq1M6cY7GgAAAJgAAAAAAAAA',
    '-----END OPENSSH PRIVATE KEY-----',
    '',
  ].join('\n');

  it('drops every line holding the password, whole, and keeps the others', () => {
    const out = redact('fatal: Authentication failed for main\nremote: your password main is wrong\nhint: try again', ['main']);
    expect(out).not.toContain('main');
    expect(out.split('\n')).toEqual([
      '[a line holding a secret was left out]',
      '[a line holding a secret was left out]',
      'hint: try again',
    ]);
  });

  it('drops lines of a private key body, even one at a time', () => {
    const out = redact(`error: bad key\n${key.split('\n')[1]}\nnext`, [key]);
    expect(out).toBe('error: bad key\n[a line holding a secret was left out]\nnext');
  });
});

describe('writeSyncFiles', () => {
  it('refuses to write through a symbolic link in the checkout, and writes nothing outside it', async () => {
    const checkout = join(dir, 'checkout');
    const outside = join(dir, 'outside');
    mkdirSync(join(checkout, 'clusters'), { recursive: true });
    mkdirSync(outside);
    symlinkSync(outside, join(checkout, 'clusters', 'flux-system'));
    const error = await writeSyncFiles(checkout, [{ path: 'clusters/flux-system/gotk-sync.yaml', content: 'x' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
  });

  it('creates, leaves identical files, keeps onlyIfAbsent ones and updates the rest', async () => {
    const checkout = join(dir, 'plain');
    const files = [
      { path: 'a/gotk-sync.yaml', content: 'one' },
      { path: 'a/kustomization.yaml', content: 'k', onlyIfAbsent: true },
    ];
    expect((await writeSyncFiles(checkout, files)).map((f) => f.outcome)).toEqual(['created', 'created']);
    expect((await writeSyncFiles(checkout, files)).map((f) => f.outcome)).toEqual(['unchanged', 'unchanged']);
    writeFileSync(join(checkout, 'a/kustomization.yaml'), 'edited');
    expect((await writeSyncFiles(checkout, [{ ...files[0]!, content: 'two' }, files[1]!])).map((f) => f.outcome)).toEqual([
      'updated',
      'kept',
    ]);
    expect(readFileSync(join(checkout, 'a/kustomization.yaml'), 'utf8')).toBe('edited');
  });

  it.each(['../x', '/etc/x', 'a/.git/config', 'a/.GIT/config', 'a//b'])('refuses the path %j', async (path) => {
    await expect(writeSyncFiles(join(dir, 'never'), [{ path, content: 'x' }])).rejects.toBeInstanceOf(ValidationError);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});

describe('parseGitRemoteUrl', () => {
  it('takes http:// only to this machine unless insecure HTTP is allowed', () => {
    expect(parseGitRemoteUrl('http://127.0.0.1:8080/team/fleet.git').port).toBe(8080);
    expect(() => parseGitRemoteUrl('http://git.example.com/team/fleet.git')).toThrow(/in clear/);
    expect(parseGitRemoteUrl('http://git.example.com/team/fleet.git', 'url', { allowInsecureHttp: true }).host).toBe('git.example.com');
  });

  it('never echoes an unparsable URL, and refuses a query on ssh:// and port 0', () => {
    const error = (() => {
      try {
        parseGitRemoteUrl('https://user:hunter2-secret@[bad');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).not.toContain('hunter2');
    expect(() => parseGitRemoteUrl('ssh://git@host/team/fleet.git?x=1')).toThrow(ValidationError);
    expect(() => parseGitRemoteUrl('https://host:0/team/fleet.git')).toThrow(ValidationError);
  });
});
