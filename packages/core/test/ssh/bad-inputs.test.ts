import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  generateKeyPair,
  parsePrivateKey,
  parsePublicKey,
  parseSshHost,
  renderKnownHosts,
  scanHostKeys,
  type SshKeyPair,
} from '../../src/index.js';
import { SshReader, SshWriter } from '../../src/ssh/wire.js';
import { caught, keyBodyLines } from './helpers.js';

let ecdsa: SshKeyPair;
let ed25519: SshKeyPair;
let other: SshKeyPair;
beforeAll(async () => {
  [ecdsa, ed25519, other] = await Promise.all([generateKeyPair(), generateKeyPair({ algorithm: 'ed25519' }), generateKeyPair()]);
});

const b64 = (w: SshWriter) => w.toBuffer().toString('base64');
const blobOf = (line: string) => Buffer.from(line.split(' ')[1] ?? '', 'base64');
const pointOf = (line: string) => {
  const r = new SshReader(blobOf(line));
  r.text();
  r.text();
  return r.string();
};
const dssBlob = () => b64(new SshWriter().string('ssh-dss').mpint(0x1234567n).mpint(0x89n).mpint(2n).mpint(0x55n));
const rsaBlob = (bits: number) =>
  b64(
    new SshWriter()
      .string('ssh-rsa')
      .mpint(65537n)
      .mpint((1n << BigInt(bits - 1)) + 1n),
  );
const pem = (type: 'dsa' | 'ec' | 'ed448', opts: object) =>
  generateKeyPairSync(type as 'ec', opts as { namedCurve: string })
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();

/** Splices another key's public blob into a private key file: both halves valid, not a pair. */
function spliced(priv: string, foreignPublic: string): string {
  const raw = Buffer.from(
    priv
      .split('\n')
      .filter((l) => !l.startsWith('-----'))
      .join(''),
    'base64',
  );
  const r = new SshReader(raw.subarray(15));
  const [cipher, kdf, opts, n] = [r.text(), r.text(), r.string(), r.uint32()];
  r.string();
  const section = r.string();
  const file = new SshWriter()
    .raw(raw.subarray(0, 15))
    .string(cipher)
    .string(kdf)
    .string(opts)
    .uint32(n)
    .string(blobOf(foreignPublic))
    .string(section);
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${file.toBuffer().toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

const CASES: Array<[string, () => unknown, string, string]> = [
  ['empty public key', () => parsePublicKey(''), 'publicKey', 'required'],
  ['blank public key', () => parsePublicKey('   \n'), 'publicKey', 'required'],
  ['ssh-dss line', () => parsePublicKey(`ssh-dss ${dssBlob()} old@host`), 'publicKey', 'dsa-forbidden'],
  ['DSA blob under an RSA type', () => parsePublicKey(`ssh-rsa ${dssBlob()}`), 'publicKey', 'dsa-forbidden'],
  ['unknown key type', () => parsePublicKey('ssh-foo AAAAB3NzaC1yc2E='), 'publicKey', 'unknown-type'],
  ['unknown ECDSA curve type', () => parsePublicKey('ecdsa-sha2-nistp224 AAAA'), 'publicKey', 'unknown-type'],
  ['type without key data', () => parsePublicKey('ssh-ed25519'), 'publicKey', 'missing-key-data'],
  ['truncated base64', () => parsePublicKey(ecdsa.publicKey.split(' ').slice(0, 2).join(' ').slice(0, -3)), 'publicKey', 'invalid-base64'],
  ['base64 with junk', () => parsePublicKey('ssh-ed25519 AAAA!!!!'), 'publicKey', 'invalid-base64'],
  [
    'blob cut on a 4-char boundary',
    () => parsePublicKey(`ssh-ed25519 ${blobOf(ed25519.publicKey).subarray(0, 30).toString('base64')}`),
    'publicKey',
    'malformed-blob',
  ],
  [
    'trailing bytes in the blob',
    () => parsePublicKey(`ssh-ed25519 ${Buffer.concat([blobOf(ed25519.publicKey), Buffer.of(0)]).toString('base64')}`),
    'publicKey',
    'malformed-blob',
  ],
  ['type/blob mismatch', () => parsePublicKey(`ssh-ed25519 ${ecdsa.publicKey.split(' ')[1]}`), 'publicKey', 'type-mismatch'],
  [
    'curve name differs from type',
    () =>
      parsePublicKey(
        `ecdsa-sha2-nistp384 ${b64(new SshWriter().string('ecdsa-sha2-nistp384').string('nistp256').string(pointOf(ecdsa.publicKey)))}`,
      ),
    'publicKey',
    'curve-mismatch',
  ],
  [
    'ECDSA point off the curve',
    () =>
      parsePublicKey(
        `ecdsa-sha2-nistp384 ${b64(
          new SshWriter()
            .string('ecdsa-sha2-nistp384')
            .string('nistp384')
            .string(Buffer.concat([Buffer.of(4), Buffer.alloc(96, 7)])),
        )}`,
      ),
    'publicKey',
    'invalid-key',
  ],
  ['RSA 512-bit public key', () => parsePublicKey(`ssh-rsa ${rsaBlob(512)}`), 'publicKey', 'rsa-bits'],
  ['multi-line public key', () => parsePublicKey(`${ecdsa.publicKey}\n${ed25519.publicKey}`), 'publicKey', 'single-line'],
  ['longer than GitLab allows', () => parsePublicKey(`ssh-ed25519 ${'A'.repeat(5000)}`), 'publicKey', 'max-length'],
  ['RSA 1024 for generation', () => generateKeyPair({ algorithm: 'rsa', rsaBits: 1024 }), 'rsaBits', 'range'],
  ['RSA 8192 for generation', () => generateKeyPair({ algorithm: 'rsa', rsaBits: 8192 }), 'rsaBits', 'range'],
  ['fractional RSA bits', () => generateKeyPair({ algorithm: 'rsa', rsaBits: 2048.5 }), 'rsaBits', 'range'],
  ['unknown curve for generation', () => generateKeyPair({ curve: 'p192' as 'p256' }), 'curve', 'one-of'],
  ['DSA for generation', () => generateKeyPair({ algorithm: 'dsa' as 'rsa' }), 'algorithm', 'one-of'],
  ['comment with a line break', () => generateKeyPair({ comment: 'a\nb' }), 'comment', 'printable'],
  ['empty private key', () => parsePrivateKey(''), 'privateKey', 'required'],
  ['public key given as private', () => parsePrivateKey(ecdsa.publicKey), 'privateKey', 'not-private'],
  ['garbage private key', () => parsePrivateKey('hello world'), 'privateKey', 'unknown-format'],
  [
    'OpenSSH private key cut after 2 lines',
    () => parsePrivateKey(ecdsa.privateKey.split('\n').slice(0, 3).concat('-----END OPENSSH PRIVATE KEY-----').join('\n')),
    'privateKey',
    'malformed-key',
  ],
  [
    'OpenSSH private key cut mid-line',
    () => parsePrivateKey(`${ecdsa.privateKey.slice(0, 150)}\n-----END OPENSSH PRIVATE KEY-----\n`),
    'privateKey',
    'invalid-base64',
  ],
  ['two private keys in one text', () => parsePrivateKey(ecdsa.privateKey + ed25519.privateKey), 'privateKey', 'one-key'],
  [
    'private key with a foreign public half',
    () => parsePrivateKey(spliced(ecdsa.privateKey, other.publicKey)),
    'privateKey',
    'key-mismatch',
  ],
  ['DSA PEM private key', () => parsePrivateKey(pem('dsa', { modulusLength: 1024, divisorLength: 160 })), 'privateKey', 'dsa-forbidden'],
  ['secp256k1 PEM private key', () => parsePrivateKey(pem('ec', { namedCurve: 'secp256k1' })), 'privateKey', 'unknown-curve'],
  ['Ed448 PEM private key', () => parsePrivateKey(pem('ed448', {})), 'privateKey', 'unknown-type'],
  [
    'damaged PEM body',
    () => parsePrivateKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n'),
    'privateKey',
    'malformed-key',
  ],
  ['host with a scheme', () => parseSshHost('ssh://gitlab.com'), 'sshHost', 'no-scheme'],
  ['host with a user', () => parseSshHost('git@gitlab.com'), 'sshHost', 'no-user'],
  ['port 0', () => parseSshHost('gitlab.com:0'), 'sshHost', 'port-range'],
  ['port 65536', () => parseSshHost('gitlab.com:65536'), 'sshHost', 'port-range'],
  ['port not a number', () => parseSshHost('gitlab.com:ssh'), 'sshHost', 'port-range'],
  ['bare IPv6', () => parseSshHost('2001:db8::1'), 'sshHost', 'ipv6-brackets'],
  ['hostname in brackets', () => parseSshHost('[gitlab.com]:22'), 'sshHost', 'ipv6-invalid'],
  ['bad hostname characters', () => parseSshHost('git lab.com'), 'sshHost', 'no-whitespace'],
  ['hostname with a path', () => parseSshHost('gitlab.com/group'), 'sshHost', 'no-path'],
  ['hostname with a bang', () => parseSshHost('gitlab!.com'), 'sshHost', 'hostname'],
  ['empty SSH host', () => parseSshHost(''), 'sshHost', 'required'],
  ['scan: empty host', () => scanHostKeys({ host: '' }), 'host', 'required'],
  ['scan: option-looking host', () => scanHostKeys({ host: '-oProxyCommand=x', method: 'ssh-keyscan' }), 'host', 'hostname'],
  ['scan: port 0', () => scanHostKeys({ host: '127.0.0.1', port: 0 }), 'port', 'port-range'],
  ['scan: timeout 0', () => scanHostKeys({ host: '127.0.0.1', timeoutMs: 0 }), 'timeoutMs', 'range'],
  ['scan: DSA algorithm', () => scanHostKeys({ host: '127.0.0.1', algorithms: ['ssh-dss' as 'ssh-ed25519'] }), 'algorithms', 'one-of'],
  ['scan: unknown method', () => scanHostKeys({ host: '127.0.0.1', method: 'nmap' as 'handshake' }), 'method', 'one-of'],
  ['known_hosts without keys', () => renderKnownHosts('gitlab.com', 22, []), 'keys', 'required'],
];

describe('bad SSH inputs are refused with a ValidationError naming field and rule', () => {
  it('has a table of at least 15 cases', () => expect(CASES.length).toBeGreaterThanOrEqual(15));

  it.each(CASES)('%s', async (_name, run, field, rule) => {
    const err = await caught(run);
    expect(err).toBeInstanceOf(ValidationError);
    expect({ field: err.field, rule: err.rule, code: err.code }).toEqual({ field, rule, code: 'VALIDATION' });
    expect(err.message).toContain(field);
    // No key material in any message: neither private key bodies nor whole public blobs.
    for (const key of [ecdsa, ed25519, other]) {
      for (const line of keyBodyLines(key.privateKey)) expect(err.message).not.toContain(line);
      expect(err.message).not.toContain(key.publicKey.split(' ')[1]);
    }
  });
});
