// Shared by the SSH tests: temp dirs and the real OpenSSH tools as the oracle.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'glkeys-ssh-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function writeSecret(path: string, text: string): string {
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

export function sshKeygen(args: string[]): string {
  return execFileSync('ssh-keygen', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** `ssh-keygen -l` prints `bits fingerprint comment (TYPE)`; return bits and fingerprint. */
export function keygenFingerprint(pubPath: string, hash: 'sha256' | 'md5'): { bits: number; fingerprint: string } {
  const [bits = '', fingerprint = ''] = sshKeygen(['-l', '-E', hash, '-f', pubPath]).split(' ');
  return { bits: Number(bits), fingerprint };
}

/** Generate a key with ssh-keygen; returns private text, public line and sha256 fingerprint. */
export function keygenKey(dir: string, name: string, args: string[]): { privateKey: string; publicKey: string; sha256: string } {
  const path = join(dir, name);
  sshKeygen(['-q', '-C', `${name}@test`, '-f', path, ...args]);
  const publicKey = readFileSync(`${path}.pub`, 'utf8').trim();
  return { privateKey: readFileSync(path, 'utf8'), publicKey, sha256: keygenFingerprint(`${path}.pub`, 'sha256').fingerprint };
}

/** Runs `fn`, expects a rejection/throw, and returns the error. */
export async function caught(fn: () => unknown): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected an error, got none');
}

/** Base64 body lines of a PEM/OpenSSH key: none of them may appear in an error message. */
export function keyBodyLines(privateKey: string): string[] {
  return privateKey.split('\n').filter((l) => l.length > 16 && !l.startsWith('-----') && !l.includes(':'));
}
