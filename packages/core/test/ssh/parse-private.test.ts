import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { parsePrivateKey } from '../../src/index.js';
import { caught, keyBodyLines, keygenKey, sshKeygen, tempDir, writeSecret } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const KINDS: Array<{ name: string; args: string[]; algorithm: string; bits: number }> = [
  { name: 'ed25519', args: ['-t', 'ed25519'], algorithm: 'ed25519', bits: 256 },
  { name: 'ecdsa256', args: ['-t', 'ecdsa', '-b', '256'], algorithm: 'ecdsa', bits: 256 },
  { name: 'ecdsa384', args: ['-t', 'ecdsa', '-b', '384'], algorithm: 'ecdsa', bits: 384 },
  { name: 'ecdsa521', args: ['-t', 'ecdsa', '-b', '521'], algorithm: 'ecdsa', bits: 521 },
  { name: 'rsa2048', args: ['-t', 'rsa', '-b', '2048'], algorithm: 'rsa', bits: 2048 },
  { name: 'rsa3072', args: ['-t', 'rsa', '-b', '3072'], algorithm: 'rsa', bits: 3072 },
];

// Each ssh-keygen output form: the default OpenSSH format, encrypted (default aes256-ctr and the
// other ciphers -Z selects, with fewer KDF rounds (-a 4) to keep the suite fast), and the PEM forms (-m PEM = PKCS#1/SEC1, -m PKCS8).
const FORMS: Array<{ form: string; args: string[]; passphrase?: string; pem?: boolean }> = [
  { form: 'openssh', args: ['-N', ''] },
  { form: 'openssh aes256-ctr', args: ['-N', 'secret'], passphrase: 'secret' },
  { form: 'openssh aes256-gcm', args: ['-N', 'sécret pass', '-Z', 'aes256-gcm@openssh.com', '-a', '4'], passphrase: 'sécret pass' },
  { form: 'openssh aes128-ctr', args: ['-N', 'secret', '-Z', 'aes128-ctr', '-a', '4'], passphrase: 'secret' },
  { form: 'openssh aes128-gcm', args: ['-N', 'secret', '-Z', 'aes128-gcm@openssh.com', '-a', '4'], passphrase: 'secret' },
  { form: 'openssh aes256-cbc', args: ['-N', 'secret', '-Z', 'aes256-cbc', '-a', '4'], passphrase: 'secret' },
  { form: 'pem', args: ['-N', '', '-m', 'PEM'], pem: true },
  { form: 'pem encrypted', args: ['-N', 'secret', '-m', 'PEM'], passphrase: 'secret', pem: true },
  { form: 'pkcs8', args: ['-N', '', '-m', 'PKCS8'], pem: true },
  { form: 'pkcs8 encrypted', args: ['-N', 'secret', '-m', 'PKCS8'], passphrase: 'secret', pem: true },
];

const CASES = KINDS.flatMap((k) =>
  FORMS
    // ssh-keygen writes Ed25519 only in OpenSSH format (-m PEM/PKCS8 are ignored for it).
    .filter((f) => !(k.algorithm === 'ed25519' && f.pem))
    // Keep the matrix fast: every form for one key per algorithm, the default forms for the rest.
    .filter((f) => ['ed25519', 'ecdsa384', 'rsa2048'].includes(k.name) || ['openssh', 'openssh aes256-ctr'].includes(f.form))
    .map((f) => ({ ...k, ...f, args: [...k.args, ...f.args], label: `${k.name} ${f.form}` })),
);

// Each key is made once by ssh-keygen and shared by the tests that read it.
const made = new Map<string, ReturnType<typeof keygenKey>>();
const keyFor = (c: (typeof CASES)[number]) => {
  const file = `${c.name}-${c.form.replace(/\W+/g, '_')}`;
  if (!made.has(file)) made.set(file, keygenKey(tmp.dir, file, [...c.args]));
  return made.get(file) as ReturnType<typeof keygenKey>;
};

describe.each(CASES)('parsePrivateKey: ssh-keygen $label', (c) => {
  const { label, name, algorithm, bits, form, passphrase } = c;
  const key = keyFor(c);

  it('gives ssh-keygen’s public key and SHA256 fingerprint', async () => {
    const parsed = await parsePrivateKey(key.privateKey, passphrase);
    expect(parsed.fingerprintSha256).toBe(key.sha256);
    expect(parsed.algorithm).toBe(algorithm);
    expect(parsed.bits).toBe(bits);
    const [type, b64] = key.publicKey.split(' ');
    expect(parsed.publicKey.startsWith(`${type} ${b64}`)).toBe(true);
    // The canonical re-encoding is unencrypted OpenSSH and parses without a passphrase.
    expect(parsed.privateKeyOpenSsh.startsWith('-----BEGIN OPENSSH PRIVATE KEY-----')).toBe(true);
    expect((await parsePrivateKey(parsed.privateKeyOpenSsh)).fingerprintSha256).toBe(key.sha256);
    const reencoded = writeSecret(join(tmp.dir, `${label.replace(/\W+/g, '_')}.reencoded`), parsed.privateKeyOpenSsh);
    expect(sshKeygen(['-y', '-f', reencoded]).startsWith(`${type} ${b64}`)).toBe(true);
    if (!label.includes('pem') && !label.includes('pkcs8')) expect(parsed.comment).toBe(`${name}-${form.replace(/\W+/g, '_')}@test`);
  });
});

describe.each(CASES.filter((c) => c.passphrase !== undefined))('parsePrivateKey: ssh-keygen $label, passphrase checks', (c) => {
  const key = keyFor(c);

  it('refuses a wrong or missing passphrase without quoting the key', async () => {
    const wrong = await caught(() => parsePrivateKey(key.privateKey, 'not-the-passphrase'));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect(wrong).toMatchObject({ field: 'passphrase', rule: 'wrong', message: 'wrong passphrase' });
    const missing = await caught(() => parsePrivateKey(key.privateKey));
    expect(missing).toMatchObject({ field: 'passphrase', rule: 'required', message: 'the private key is encrypted; give its passphrase' });
    for (const err of [wrong, missing]) {
      for (const line of keyBodyLines(key.privateKey)) expect(err.message).not.toContain(line);
      expect(JSON.stringify(err)).not.toContain('PRIVATE KEY');
    }
  });
});

describe('parsePrivateKey: other inputs', () => {
  it('accepts CRLF line endings and surrounding blank lines', async () => {
    const key = keygenKey(tmp.dir, 'crlf', ['-t', 'ed25519', '-N', '']);
    const parsed = await parsePrivateKey(`\n${key.privateKey.replace(/\n/g, '\r\n')}\n\n`);
    expect(parsed.fingerprintSha256).toBe(key.sha256);
  });

  it('ignores a passphrase given for an unencrypted key', async () => {
    const key = keygenKey(tmp.dir, 'plain', ['-t', 'ecdsa', '-N', '']);
    expect((await parsePrivateKey(key.privateKey, 'unused')).fingerprintSha256).toBe(key.sha256);
  });

  it('refuses a chacha20-poly1305 key with a rule naming the cipher problem', async () => {
    const key = keygenKey(tmp.dir, 'chacha', ['-t', 'ed25519', '-N', 'secret', '-Z', 'chacha20-poly1305@openssh.com']);
    const err = await caught(() => parsePrivateKey(key.privateKey, 'secret'));
    expect(err).toMatchObject({ field: 'privateKey', rule: 'unsupported-cipher' });
    for (const line of keyBodyLines(key.privateKey)) expect(err.message).not.toContain(line);
  });
});
