/**
 * The openssh-key-v1 container (OpenSSH PROTOCOL.key): what `ssh-keygen` writes by default and
 * what Flux's `identity` holds. Layout:
 *   "openssh-key-v1\0" string cipher, string kdf, string kdfoptions, uint32 N=1,
 *   string public blob, string section [+ AEAD tag]
 *   section = uint32 check, uint32 check, string type, <fields>, string comment, padding 1,2,3..
 */
import { randomBytes, type JsonWebKey } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { BlobError, encodePublicBlob } from './key-blob.js';
import { bcryptKdf, CIPHERS, decryptSection, encryptSection, MAX_KDF_ROUNDS } from './openssh-cipher.js';
import { readPrivateFields, writePrivateFields } from './private-fields.js';
import { SshReader, SshWriter } from './wire.js';

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
export const OPENSSH_BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const OPENSSH_END = '-----END OPENSSH PRIVATE KEY-----';

/**
 * openssh-key-v1 text for a private JWK, 70-column base64 like ssh-keygen. With a passphrase the
 * private section is encrypted as `ssh-keygen -N` does today: aes256-ctr, key and IV from
 * bcrypt_pbkdf over a random 16-byte salt with 16 rounds.
 */
export function encodeOpenSshPrivateKey(jwk: JsonWebKey, comment: string, passphrase?: string): string {
  const check = randomBytes(4).readUInt32BE(0);
  const section = new SshWriter().uint32(check).uint32(check);
  writePrivateFields(section, jwk);
  section.string(comment);
  let body: Buffer = section.toBuffer();
  const encrypted = passphrase !== undefined;
  const spec = CIPHERS[encrypted ? ENCRYPT_CIPHER : 'none']!;
  // Pad with 1, 2, 3, ... up to the cipher block size ("none" uses 8).
  const pad = (spec.blockSize - (body.length % spec.blockSize)) % spec.blockSize;
  body = Buffer.concat([body, Buffer.from(Array.from({ length: pad }, (_, i) => i + 1))]);
  let kdfOptions: Buffer = Buffer.alloc(0);
  if (encrypted) {
    if (passphrase === '') throw new ValidationError('passphrase', 'not empty', 'passphrase: must not be empty');
    const salt = randomBytes(16);
    kdfOptions = new SshWriter().string(salt).uint32(ENCRYPT_ROUNDS).toBuffer();
    body = encryptSection(spec, bcryptKdf(passphrase, salt, ENCRYPT_ROUNDS, spec.keyLength + spec.ivLength), body);
  }
  const file = new SshWriter()
    .raw(MAGIC)
    .string(encrypted ? ENCRYPT_CIPHER : 'none')
    .string(encrypted ? 'bcrypt' : 'none')
    .string(kdfOptions)
    .uint32(1)
    .string(encodePublicBlob(jwk))
    .string(body)
    .toBuffer();
  const lines = file.toString('base64').match(/.{1,70}/g) ?? [];
  return `${OPENSSH_BEGIN}\n${lines.join('\n')}\n${OPENSSH_END}\n`;
}

/** ssh-keygen's defaults since OpenSSH 6.5 (`-a 16`, `-Z aes256-ctr`). */
const ENCRYPT_CIPHER = 'aes256-ctr';
const ENCRYPT_ROUNDS = 16;

export interface DecodedOpenSshKey {
  jwk: JsonWebKey;
  comment: string;
  publicBlob: Buffer;
  encrypted: boolean;
}

/** Decodes (and decrypts) one key. Throws BlobError/WireFormatError for damage, ValidationError for passphrases. */
export function decodeOpenSshPrivateKey(text: string, passphrase: string | undefined): DecodedOpenSshKey {
  const begin = text.indexOf(OPENSSH_BEGIN);
  const end = text.indexOf(OPENSSH_END);
  if (begin < 0 || end < begin) throw new BlobError('malformed-key', 'the OpenSSH private key armor is incomplete');
  const b64 = text.slice(begin + OPENSSH_BEGIN.length, end).replace(/\s+/g, '');
  const raw = Buffer.from(b64, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || raw.toString('base64') !== b64) {
    throw new BlobError('invalid-base64', 'the OpenSSH private key is not valid base64 (truncated or damaged?)');
  }
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC)) throw new BlobError('malformed-key', 'not an openssh-key-v1 private key');
  const r = new SshReader(raw.subarray(MAGIC.length));
  const cipherName = r.text();
  const kdfName = r.text();
  const kdfOptions = r.string();
  if (r.uint32() !== 1) throw new BlobError('one-key', 'the file must hold exactly one private key');
  const publicBlob = r.string();
  const spec = CIPHERS[cipherName];
  if (!spec) throw new BlobError('unsupported-cipher', `unsupported private key cipher ${JSON.stringify(cipherName.slice(0, 40))}`);
  let section = r.string();
  const tag = r.raw(spec.tagLength);
  r.expectEnd();
  if (section.length % spec.blockSize !== 0)
    throw new BlobError('malformed-key', 'the private section is not padded to the cipher block size');

  const encrypted = cipherName !== 'none';
  if (encrypted) {
    if (kdfName !== 'bcrypt') throw new BlobError('unsupported-kdf', `unsupported private key KDF ${JSON.stringify(kdfName.slice(0, 40))}`);
    if (passphrase === undefined || passphrase === '') {
      throw new ValidationError('passphrase', 'required', 'the private key is encrypted; give its passphrase');
    }
    const opts = new SshReader(kdfOptions);
    const salt = opts.string();
    const rounds = opts.uint32();
    opts.expectEnd();
    if (rounds < 1 || rounds > MAX_KDF_ROUNDS) throw new BlobError('kdf-rounds', `the KDF rounds must be 1..${MAX_KDF_ROUNDS}`);
    const keyIv = bcryptKdf(passphrase, salt, rounds, spec.keyLength + spec.ivLength);
    const plain = decryptSection(spec, keyIv, section, tag);
    if (plain === undefined) throw wrongPassphrase();
    section = plain;
  } else if (kdfName !== 'none' || kdfOptions.length !== 0) {
    throw new BlobError('malformed-key', 'an unencrypted key must use kdf "none"');
  }

  const s = new SshReader(section);
  // Equal check-ints are how OpenSSH tells a wrong passphrase from a good one (no MAC for CTR/CBC).
  if (s.uint32() !== s.uint32()) {
    if (encrypted) throw wrongPassphrase();
    throw new BlobError('malformed-key', 'the private key check-ints differ (damaged file)');
  }
  const jwk = readPrivateFields(s.text(), s);
  const comment = s.text();
  const padding = s.rest();
  if (!padding.every((b, i) => b === i + 1)) throw new BlobError('malformed-key', 'the private key padding is invalid');
  if (!encodePublicBlob(jwk).equals(publicBlob)) {
    throw new BlobError('key-mismatch', 'the private key does not match the public key stored beside it');
  }
  return { jwk, comment, publicBlob, encrypted };
}

function wrongPassphrase(): ValidationError {
  return new ValidationError('passphrase', 'wrong', 'wrong passphrase');
}
