/**
 * Reading a user's private key (`glkeys key --private-key-file`): openssh-key-v1 (plain or
 * bcrypt-encrypted) and PEM PKCS#1 / PKCS#8 / SEC1 (plain or encrypted). Every form comes back
 * re-encoded as unencrypted openssh-key-v1. No error message ever quotes the key.
 */
import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { curveBy } from './curves.js';
import { BlobError } from './key-blob.js';
import { assertPrivateMatchesPublic, cleanComment, describePrivateJwk } from './key-pair.js';
import { decodeOpenSshPrivateKey, OPENSSH_BEGIN } from './openssh-key.js';
import type { ParsedPrivateKey } from './types.js';
import { WireFormatError } from './wire.js';

const FIELD = 'privateKey';
const PEM_BEGIN = /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----/g;

export async function parsePrivateKey(text: string, passphrase?: string): Promise<ParsedPrivateKey> {
  if (typeof text !== 'string' || text.trim() === '') {
    throw new ValidationError(FIELD, 'required', 'privateKey: give a private key (OpenSSH or PEM)');
  }
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw new ValidationError('passphrase', 'type', 'passphrase: must be a string');
  }
  const normalised = text.replace(/\r\n/g, '\n');
  const armors = (normalised.match(/-----BEGIN [A-Z0-9 ]+-----/g) ?? []).length;
  if (armors > 1) throw new ValidationError(FIELD, 'one-key', 'privateKey: must hold exactly one key');

  let jwk: JsonWebKey;
  let comment = '';
  if (normalised.includes(OPENSSH_BEGIN)) {
    // bcrypt_pbkdf is CPU-bound and synchronous; yield once so callers' timers and spinners run.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      const decoded = decodeOpenSshPrivateKey(normalised, passphrase);
      jwk = decoded.jwk;
      comment = cleanComment(decoded.comment);
    } catch (err) {
      if (err instanceof BlobError) throw new ValidationError(FIELD, err.rule, `${FIELD}: ${err.message}`);
      if (err instanceof WireFormatError) {
        throw new ValidationError(FIELD, 'malformed-key', `${FIELD}: the private key is malformed (${err.message})`);
      }
      throw err;
    }
  } else {
    jwk = readPem(normalised, passphrase);
  }
  assertPrivateMatchesPublic(jwk, FIELD);
  return describePrivateJwk(jwk, comment, FIELD);
}

function readPem(text: string, passphrase: string | undefined): JsonWebKey {
  const label = [...text.matchAll(PEM_BEGIN)][0]?.[1];
  if (label === undefined) {
    const rule = /^\s*(ssh-|ecdsa-|sk-)/.test(text) ? 'not-private' : 'unknown-format';
    const what = rule === 'not-private' ? 'this is a public key; give the private key' : 'not an OpenSSH or PEM private key';
    throw new ValidationError(FIELD, rule, `${FIELD}: ${what}`);
  }
  if (label === 'DSA PRIVATE KEY') {
    throw new ValidationError(
      FIELD,
      'dsa-forbidden',
      `${FIELD}: DSA keys are insecure and refused by GitLab and OpenSSH; use ed25519 or ecdsa`,
    );
  }
  const encrypted = label === 'ENCRYPTED PRIVATE KEY' || /Proc-Type:\s*4,ENCRYPTED/.test(text);
  if (encrypted && !passphrase) {
    throw new ValidationError('passphrase', 'required', 'the private key is encrypted; give its passphrase');
  }
  let key;
  try {
    key = createPrivateKey({ key: text, format: 'pem', ...(encrypted ? { passphrase } : {}) });
  } catch {
    // OpenSSL's reason is dropped on purpose: it is never needed and must not leak key text.
    if (encrypted) throw new ValidationError('passphrase', 'wrong', 'wrong passphrase');
    throw new ValidationError(FIELD, 'malformed-key', `${FIELD}: the PEM private key is damaged or not a key`);
  }
  const type = key.asymmetricKeyType;
  if (type === 'dsa') {
    throw new ValidationError(
      FIELD,
      'dsa-forbidden',
      `${FIELD}: DSA keys are insecure and refused by GitLab and OpenSSH; use ed25519 or ecdsa`,
    );
  }
  if (type !== 'rsa' && type !== 'ec' && type !== 'ed25519') {
    throw new ValidationError(FIELD, 'unknown-type', `${FIELD}: unsupported key type ${String(type)}; use ed25519, ecdsa or rsa`);
  }
  const jwk = key.export({ format: 'jwk' });
  if (type === 'ec' && !curveBy('jwk', jwk.crv)) {
    throw new ValidationError(FIELD, 'unknown-curve', `${FIELD}: ECDSA keys must use P-256, P-384 or P-521`);
  }
  return jwk;
}
