/**
 * authorized_keys lines: `type base64 [comment]` parsed, validated the way GitLab validates a
 * deploy key, and normalised, so a bad key is refused before any GitLab call.
 */
import { ValidationError } from '../errors.js';
import { BlobError, decodePublicBlob, type DecodedBlob } from './key-blob.js';
import { fingerprintMd5, fingerprintSha256 } from './fingerprint.js';
import type { SshKeyType, SshPublicKey } from './types.js';

/** GitLab's limit on a deploy key's `key` field. */
export const PUBLIC_KEY_MAX_LENGTH = 5000;

export const KEY_TYPES: readonly SshKeyType[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ssh-ed25519@openssh.com',
];

const FIELD = 'publicKey';
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function parsePublicKey(line: string): SshPublicKey {
  if (typeof line !== 'string' || line.trim() === '') {
    throw new ValidationError(FIELD, 'required', 'publicKey: give an SSH public key line (type base64 [comment])');
  }
  // One trailing newline is what a .pub file holds; anything beyond one line is ambiguous.
  const text = line.replace(/\r?\n$/, '').trim();
  if (/[\r\n]/.test(text)) {
    throw new ValidationError(FIELD, 'single-line', 'publicKey: must be a single line holding one key');
  }
  if (text.length > PUBLIC_KEY_MAX_LENGTH) {
    throw new ValidationError(FIELD, 'max-length', `publicKey: must be at most ${PUBLIC_KEY_MAX_LENGTH} characters (GitLab's limit)`);
  }
  const [type = '', data, ...rest] = text.split(/[ \t]+/);
  if (type === 'ssh-dss') throw refusal(new BlobError('dsa-forbidden', ''));
  if (!(KEY_TYPES as readonly string[]).includes(type)) {
    throw new ValidationError(
      FIELD,
      'unknown-type',
      `publicKey: unsupported key type ${JSON.stringify(type.slice(0, 40))}; expected one of ${KEY_TYPES.join(', ')}`,
    );
  }
  if (data === undefined) {
    throw new ValidationError(FIELD, 'missing-key-data', 'publicKey: the base64 key data after the type is missing');
  }
  const blob = Buffer.from(data, 'base64');
  // Node's decoder skips junk silently; re-encoding catches truncation and stray characters.
  if (!BASE64.test(data) || data.length % 4 !== 0 || blob.toString('base64') !== data) {
    throw new ValidationError(FIELD, 'invalid-base64', 'publicKey: the key data is not valid base64 (truncated or damaged?)');
  }
  const decoded = decodeOrRefuse(blob);
  if (decoded.type !== type) {
    throw new ValidationError(FIELD, 'type-mismatch', `publicKey: the line says ${type} but the key data is ${decoded.type}`);
  }
  return describePublicKey(blob, decoded, rest.join(' '));
}

/** Build the public description from a blob already validated by decodePublicBlob. */
export function describePublicKey(blob: Buffer, decoded: DecodedBlob, comment: string): SshPublicKey {
  const base = `${decoded.type} ${blob.toString('base64')}`;
  return {
    type: decoded.type,
    bits: decoded.bits,
    blob,
    comment,
    fingerprintSha256: fingerprintSha256(blob),
    fingerprintMd5: fingerprintMd5(blob),
    line: comment === '' ? base : `${base} ${comment}`,
  };
}

export function decodeOrRefuse(blob: Buffer, field: string = FIELD): DecodedBlob {
  try {
    return decodePublicBlob(blob);
  } catch (err) {
    if (err instanceof BlobError) throw refusal(err, field);
    throw err;
  }
}

function refusal(err: BlobError, field: string = FIELD): ValidationError {
  const message =
    err.rule === 'dsa-forbidden' ? 'DSA (ssh-dss) keys are insecure and refused by GitLab and OpenSSH; use ed25519 or ecdsa' : err.message;
  return new ValidationError(field, err.rule, `${field}: ${message}`);
}
