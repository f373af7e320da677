import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKeyPair, parsePrivateKey, parsePublicKey, type GenerateKeyPairOptions } from '../../src/index.js';
import { keygenFingerprint, sshKeygen, tempDir, writeSecret } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const CASES: Array<{ opts: GenerateKeyPairOptions; type: string; bits: number }> = [
  { opts: {}, type: 'ecdsa-sha2-nistp384', bits: 384 },
  { opts: { algorithm: 'ecdsa', curve: 'p256' }, type: 'ecdsa-sha2-nistp256', bits: 256 },
  { opts: { algorithm: 'ecdsa', curve: 'p521' }, type: 'ecdsa-sha2-nistp521', bits: 521 },
  { opts: { algorithm: 'ed25519' }, type: 'ssh-ed25519', bits: 256 },
  { opts: { algorithm: 'rsa' }, type: 'ssh-rsa', bits: 2048 },
  { opts: { algorithm: 'rsa', rsaBits: 3072 }, type: 'ssh-rsa', bits: 3072 },
  { opts: { algorithm: 'rsa', rsaBits: 4096 }, type: 'ssh-rsa', bits: 4096 },
];

describe.each(CASES)('generateKeyPair($opts)', ({ opts, type, bits }) => {
  const name = `${type}-${bits}`;
  const comment = `flux-system@cluster-${bits}`;
  const pair = generateKeyPair({ ...opts, comment });

  it('writes an OpenSSH private key that ssh-keygen -y reads back to the same public key', async () => {
    const key = await pair;
    expect(key.privateKey.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----\n')).toBe(true);
    expect(key.privateKey.endsWith('-----END OPENSSH PRIVATE KEY-----\n')).toBe(true);
    const path = writeSecret(join(tmp.dir, name), key.privateKey);
    // ssh-keygen -y prints `type base64 comment` (the comment is read from the private key).
    expect(sshKeygen(['-y', '-f', path])).toBe(key.publicKey);
    expect(key.publicKey).toMatch(new RegExp(`^${type} AAAA[A-Za-z0-9+/]+={0,2} ${comment}$`));
    expect(key.bits).toBe(bits);
    expect(key.algorithm).toBe(opts.algorithm ?? 'ecdsa');
  });

  it('computes the fingerprints ssh-keygen -l prints (SHA256 and MD5)', async () => {
    const key = await pair;
    const pub = writeSecret(join(tmp.dir, `${name}.pub`), `${key.publicKey}\n`);
    expect(keygenFingerprint(pub, 'sha256')).toEqual({ bits, fingerprint: key.fingerprintSha256 });
    expect(keygenFingerprint(pub, 'md5')).toEqual({ bits, fingerprint: `MD5:${key.fingerprintMd5}` });
    expect(key.fingerprintSha256).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(key.fingerprintMd5).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);
  });

  it('round-trips through parsePublicKey and parsePrivateKey', async () => {
    const key = await pair;
    const pub = parsePublicKey(key.publicKey);
    expect(pub).toMatchObject({
      type,
      bits,
      comment,
      line: key.publicKey,
      fingerprintSha256: key.fingerprintSha256,
      fingerprintMd5: key.fingerprintMd5,
    });
    const priv = await parsePrivateKey(key.privateKey);
    expect(priv).toMatchObject({ bits, comment, publicKey: key.publicKey, fingerprintSha256: key.fingerprintSha256 });
    // Re-encoding is canonical except for the random check-ints: same length, same public key.
    expect(priv.privateKeyOpenSsh.length).toBe(key.privateKey.length);
    expect((await parsePrivateKey(priv.privateKeyOpenSsh)).publicKey).toBe(key.publicKey);
  });
});

describe('generateKeyPair defaults', () => {
  it('is ECDSA P-384 like flux bootstrap, and every call makes a new key', async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()]);
    expect(a.curve).toBe('p384');
    expect(a.publicKey.startsWith('ecdsa-sha2-nistp384 ')).toBe(true);
    expect(a.fingerprintSha256).not.toBe(b.fingerprintSha256);
  });

  it('omits the comment from the public line when none is given', async () => {
    const key = await generateKeyPair({ algorithm: 'ed25519' });
    expect(key.publicKey.split(' ')).toHaveLength(2);
    expect(key.curve).toBeUndefined();
  });
});
