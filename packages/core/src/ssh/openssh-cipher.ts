/**
 * Ciphers and the bcrypt KDF that protect an encrypted openssh-key-v1 private section
 * (`ssh-keygen -N pass`, `-Z cipher`). Any of them is decrypted; glkeys encrypts only with
 * aes256-ctr (ssh-keygen's default), and only for a key file the user asked a passphrase for:
 * Flux's `identity` in a Secret is read without a passphrase unless `password` is also set.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import bcryptPbkdf from 'bcrypt-pbkdf';
import { ValidationError } from '../errors.js';

export interface CipherSpec {
  keyLength: number;
  ivLength: number;
  /** The private section is padded to this. */
  blockSize: number;
  /** AEAD tag appended after the encrypted section (GCM). */
  tagLength: number;
  node: string;
}

export const CIPHERS: Readonly<Record<string, CipherSpec>> = {
  none: { keyLength: 0, ivLength: 0, blockSize: 8, tagLength: 0, node: '' },
  'aes128-ctr': { keyLength: 16, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-128-ctr' },
  'aes192-ctr': { keyLength: 24, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-192-ctr' },
  'aes256-ctr': { keyLength: 32, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-256-ctr' },
  'aes128-cbc': { keyLength: 16, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-128-cbc' },
  'aes192-cbc': { keyLength: 24, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-192-cbc' },
  'aes256-cbc': { keyLength: 32, ivLength: 16, blockSize: 16, tagLength: 0, node: 'aes-256-cbc' },
  'aes128-gcm@openssh.com': { keyLength: 16, ivLength: 12, blockSize: 16, tagLength: 16, node: 'aes-128-gcm' },
  'aes256-gcm@openssh.com': { keyLength: 32, ivLength: 12, blockSize: 16, tagLength: 16, node: 'aes-256-gcm' },
};

/** ssh-keygen uses 16 rounds (`-a`); the cap stops a crafted file from pinning the CPU for hours. */
export const MAX_KDF_ROUNDS = 1000;

/** OpenSSH's bcrypt_pbkdf, via the pure-JS port ssh2 also uses. Returns key || iv. */
export function bcryptKdf(passphrase: string, salt: Buffer, rounds: number, length: number): Buffer {
  const pass = Buffer.from(passphrase, 'utf8');
  const out = new Uint8Array(length);
  if (bcryptPbkdf.pbkdf(pass, pass.length, salt, salt.length, out, length, rounds) !== 0) {
    throw new ValidationError('privateKey', 'readable KDF parameters', "privateKey: the key's bcrypt KDF parameters are not usable");
  }
  return Buffer.from(out);
}

/** Returns undefined when the GCM tag does not verify (wrong passphrase or damaged file). */
export function decryptSection(spec: CipherSpec, keyIv: Buffer, data: Buffer, tag: Buffer): Buffer | undefined {
  const key = keyIv.subarray(0, spec.keyLength);
  const iv = keyIv.subarray(spec.keyLength, spec.keyLength + spec.ivLength);
  if (spec.tagLength > 0) {
    const decipher = createDecipheriv(spec.node as 'aes-256-gcm', key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(data), decipher.final()]);
    } catch {
      return undefined;
    }
  }
  const decipher = createDecipheriv(spec.node, key, iv);
  decipher.setAutoPadding(false);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

/** Encrypts a padded private section with a CTR or CBC cipher (no AEAD tag). */
export function encryptSection(spec: CipherSpec, keyIv: Buffer, data: Buffer): Buffer {
  const key = keyIv.subarray(0, spec.keyLength);
  const iv = keyIv.subarray(spec.keyLength, spec.keyLength + spec.ivLength);
  const cipher = createCipheriv(spec.node, key, iv);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(data), cipher.final()]);
}
