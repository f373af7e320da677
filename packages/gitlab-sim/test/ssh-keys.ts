// Test keys: real ones from ssh-keygen, and hand-built wire blobs for types
// ssh-keygen cannot make here (security-key types need hardware; DSA and short
// RSA are refused by current OpenSSH builds).
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class KeyDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'gitlab-sim-keys-'));
  private n = 0;

  /** `ssh-keygen -t type [-b bits]`; returns the public key line. */
  generate(type: string, bits?: number): string {
    const file = join(this.dir, `k${this.n++}`);
    const args = ['-q', '-t', type, '-N', '', '-C', `test-${type}`, '-f', file];
    if (bits !== undefined) args.splice(1, 0, '-b', String(bits));
    execFileSync('ssh-keygen', args, { stdio: 'pipe' });
    return readFileSync(`${file}.pub`, 'utf8').trim();
  }

  /** What `ssh-keygen -l -E sha256|md5` prints as fingerprint for a public key line. */
  fingerprint(line: string, hash: 'sha256' | 'md5'): string {
    const file = join(this.dir, `fp${this.n++}.pub`);
    writeFileSync(file, `${line}\n`);
    const out = execFileSync('ssh-keygen', ['-l', '-E', hash, '-f', file], { encoding: 'utf8' });
    return out.split(' ')[1] as string;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function wireString(data: Buffer | string): Buffer {
  const b = Buffer.isBuffer(data) ? data : Buffer.from(data);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** A positive mpint of exactly `bits` bits. */
function mpint(bits: number): Buffer {
  const bytes = randomBytes(Math.ceil(bits / 8));
  const top = bits % 8 === 0 ? 8 : bits % 8;
  bytes[0] = ((bytes[0] as number) & ((1 << top) - 1)) | (1 << (top - 1));
  return wireString(bytes[0] & 0x80 ? Buffer.concat([Buffer.alloc(1), bytes]) : bytes);
}

const line = (type: string, parts: Buffer[]) => `${type} ${Buffer.concat([wireString(type), ...parts]).toString('base64')} built`;

export const builtKeys = {
  dsa: () => line('ssh-dss', [mpint(1024), mpint(160), mpint(1024), mpint(1024)]),
  rsa: (bits: number) => line('ssh-rsa', [wireString(Buffer.from([1, 0, 1])), mpint(bits)]),
  skEd25519: () => line('sk-ssh-ed25519@openssh.com', [wireString(randomBytes(32)), wireString('ssh:')]),
  skEcdsa: () => {
    const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    return line('sk-ecdsa-sha2-nistp256@openssh.com', [wireString('nistp256'), wireString(point), wireString('ssh:')]);
  },
};
