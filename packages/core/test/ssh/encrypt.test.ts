/**
 * A generated key with a passphrase is written encrypted as `ssh-keygen -N` does (aes256-ctr,
 * bcrypt KDF): the real ssh-keygen reads it only with the passphrase, and glkeys' own parser too.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError, generateKeyPair, parsePrivateKey } from '../../src/index.js';
import { caught, sshKeygen, tempDir, writeSecret } from './helpers.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe.each([
  { algorithm: 'ecdsa' as const, curve: 'p384' as const },
  { algorithm: 'ed25519' as const },
  { algorithm: 'rsa' as const, rsaBits: 2048 },
])('generateKeyPair({ passphrase }) with $algorithm', (opts) => {
  it('writes a key ssh-keygen opens with the passphrase only, to the same public key', async () => {
    const pair = await generateKeyPair({ ...opts, comment: 'enc', passphrase: 'correct horse' });
    const path = writeSecret(join(dir, `enc-${opts.algorithm}`), pair.privateKey);
    const header = Buffer.from(pair.privateKey.split('\n').slice(1, -2).join(''), 'base64').toString('latin1');
    expect(header).toContain('aes256-ctr');
    expect(header).toContain('bcrypt');
    expect(sshKeygen(['-y', '-P', 'correct horse', '-f', path])).toBe(pair.publicKey.split(' ').slice(0, 2).join(' ') + ' enc');
    expect(() => sshKeygen(['-y', '-P', 'wrong', '-f', path])).toThrow();
    expect(() => sshKeygen(['-y', '-P', '', '-f', path])).toThrow();
    const parsed = await parsePrivateKey(pair.privateKey, 'correct horse');
    expect(parsed.fingerprintSha256).toBe(pair.fingerprintSha256);
    expect((await caught(() => parsePrivateKey(pair.privateKey, 'wrong'))).rule).toBe('wrong');
  });
});

it('refuses an empty passphrase, naming the field', async () => {
  const error = await caught(() => generateKeyPair({ passphrase: '' }));
  expect(error).toBeInstanceOf(ValidationError);
  expect(error.field).toBe('passphrase');
});
