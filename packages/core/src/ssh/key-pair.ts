/** Shared by generation and parsing: one private JWK -> every form glkeys hands out. */
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type JsonWebKey } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { encodePublicBlob } from './key-blob.js';
import { encodeOpenSshPrivateKey } from './openssh-key.js';
import { decodeOrRefuse, describePublicKey } from './public-key.js';
import type { ParsedPrivateKey } from './types.js';

/** Control characters would split the authorized_keys line or the Secret; keep comments printable. */
export function cleanComment(comment: string): string {
  return comment.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

export function describePrivateJwk(jwk: JsonWebKey, comment: string, field: string, passphrase?: string): ParsedPrivateKey {
  const blob = encodePublicBlob(jwk);
  const decoded = decodeOrRefuse(blob, field);
  if (!decoded.algorithm) throw new ValidationError(field, 'security-key', `${field}: security-key private keys are not supported`);
  const pub = describePublicKey(blob, decoded, comment);
  return {
    algorithm: decoded.algorithm,
    ...(decoded.curve ? { curve: decoded.curve } : {}),
    bits: decoded.bits,
    comment,
    publicKey: pub.line,
    fingerprintSha256: pub.fingerprintSha256,
    fingerprintMd5: pub.fingerprintMd5,
    privateKeyOpenSsh: encodeOpenSshPrivateKey(jwk, comment, passphrase),
  };
}

/**
 * A key file stores the public half beside the private one, and nothing forces them to agree:
 * sign with the private half and verify with the public half so a spliced file is refused.
 */
export function assertPrivateMatchesPublic(jwk: JsonWebKey, field: string): void {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = jwk;
  let ok: boolean;
  try {
    const priv = createPrivateKey({ key: jwk, format: 'jwk' });
    const pub = createPublicKey({ key: publicJwk, format: 'jwk' });
    const data = randomBytes(32);
    const alg = jwk.kty === 'OKP' ? null : 'sha256';
    ok = verify(alg, data, pub, sign(alg, data, priv));
  } catch {
    ok = false;
  }
  if (!ok) throw new ValidationError(field, 'key-mismatch', `${field}: the private key is inconsistent (its public half does not match)`);
}
