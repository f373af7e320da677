// Parses an OpenSSH public key line ("type base64 [comment]") from its wire blob
// (RFC 4253 §6.6, RFC 5656, RFC 8709, OpenSSH PROTOCOL.u2f) to learn its type and
// size and compute GitLab's two fingerprints, the way Gitlab::SSHPublicKey does.
import { createHash } from 'node:crypto';

/** GitLab's technology names: what its key-restriction settings are keyed by. */
export type SshKeyTechnology = 'rsa' | 'dsa' | 'ecdsa' | 'ed25519' | 'ecdsa_sk' | 'ed25519_sk';

export interface SshPublicKey {
  /** Wire type, e.g. `ssh-ed25519`. */
  type: string;
  technology: SshKeyTechnology;
  bits: number;
  blob: Buffer;
  /** MD5 colon hex, like `ssh-keygen -E md5` without the `MD5:` prefix. */
  fingerprintMd5: string;
  /** `SHA256:` + unpadded base64, exactly what `ssh-keygen -l -E sha256` prints. */
  fingerprintSha256: string;
}

const ECDSA_CURVES: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

/** Reads SSH wire strings/mpints from a blob; throws on truncation. */
class WireReader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  string(): Buffer {
    if (this.offset + 4 > this.buf.length) throw new Error('truncated');
    const len = this.buf.readUInt32BE(this.offset);
    this.offset += 4;
    if (this.offset + len > this.buf.length) throw new Error('truncated');
    const out = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return out;
  }

  /** Bit length of an mpint (leading zero bytes are sign padding). */
  mpintBits(): number {
    const b = this.string();
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    if (i === b.length) return 0;
    return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i] as number));
  }

  done(): boolean {
    return this.offset === this.buf.length;
  }
}

function measure(type: string, r: WireReader): { technology: SshKeyTechnology; bits: number } {
  switch (type) {
    case 'ssh-rsa': {
      r.mpintBits(); // public exponent
      return { technology: 'rsa', bits: r.mpintBits() };
    }
    case 'ssh-dss': {
      const bits = r.mpintBits();
      r.string();
      r.string();
      r.string();
      return { technology: 'dsa', bits };
    }
    case 'ssh-ed25519': {
      if (r.string().length !== 32) throw new Error('bad ed25519 key');
      return { technology: 'ed25519', bits: 256 };
    }
    case 'sk-ssh-ed25519@openssh.com': {
      if (r.string().length !== 32) throw new Error('bad ed25519 key');
      r.string(); // application, e.g. "ssh:"
      return { technology: 'ed25519_sk', bits: 256 };
    }
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const curve = r.string().toString('latin1');
      if (curve !== 'nistp256') throw new Error('curve mismatch');
      r.string();
      r.string();
      return { technology: 'ecdsa_sk', bits: 256 };
    }
    default: {
      const m = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
      const bits = m ? ECDSA_CURVES[m[1] as string] : undefined;
      if (!m || bits === undefined) throw new Error('unknown type');
      if (r.string().toString('latin1') !== m[1]) throw new Error('curve mismatch');
      const point = r.string();
      // Uncompressed point: 0x04 || X || Y, each coordinate ceil(bits/8) bytes.
      if (point.length !== 1 + 2 * Math.ceil(bits / 8) || point[0] !== 4) throw new Error('bad point');
      return { technology: 'ecdsa', bits };
    }
  }
}

/** Parses a key line; returns null for anything that is not a well-formed public key. */
export function parseSshPublicKey(line: string): SshPublicKey | null {
  const parts = line.trim().split(/\s+/);
  const [type, b64] = parts;
  if (!type || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const blob = Buffer.from(b64, 'base64');
  try {
    const r = new WireReader(blob);
    if (r.string().toString('latin1') !== type) return null;
    const { technology, bits } = measure(type, r);
    if (!r.done()) return null;
    const md5 = createHash('md5').update(blob).digest('hex').match(/../g)!.join(':');
    const sha256 = createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
    return { type, technology, bits, blob, fingerprintMd5: md5, fingerprintSha256: `SHA256:${sha256}` };
  } catch {
    return null;
  }
}

/** GitLab's key line normalisation (Gitlab::SSHPublicKey.sanitize): one line, single spaces. */
export function sanitizeKeyLine(line: string): string {
  return line.trim().split(/\s+/).join(' ');
}
