/**
 * The type-specific private fields inside an openssh-key-v1 private section (PROTOCOL.key and
 * sshkey.c's private serialisation), converted to and from JWK so node:crypto can use the key.
 */
import type { JsonWebKey } from 'node:crypto';
import { curveBy } from './curves.js';
import { BlobError, ecPoint } from './key-blob.js';
import { base64UrlToBigint, bigintToBase64Url, type SshReader, type SshWriter } from './wire.js';
import { ValidationError } from '../errors.js';

const big = (v: string | undefined) => base64UrlToBigint(v ?? '');

export function writePrivateFields(w: SshWriter, jwk: JsonWebKey): void {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') {
    const pub = Buffer.from(jwk.x ?? '', 'base64url');
    // OpenSSH stores the 32-byte seed followed by the public key (RFC 8032 secret || A).
    w.string('ssh-ed25519')
      .string(pub)
      .string(Buffer.concat([Buffer.from(jwk.d ?? '', 'base64url'), pub]));
    return;
  }
  if (jwk.kty === 'EC') {
    const curve = curveBy('jwk', jwk.crv);
    if (!curve) throw new ValidationError('key', 'supported curve', `key: unsupported curve ${String(jwk.crv)}`);
    w.string(`ecdsa-sha2-${curve.sshName}`)
      .string(curve.sshName)
      .string(ecPoint(curve, jwk.x ?? '', jwk.y ?? ''))
      .mpint(big(jwk.d));
    return;
  }
  if (jwk.kty === 'RSA') {
    // OpenSSH's order: n, e, d, iqmp (= q^-1 mod p, JWK `qi`), p, q. dp/dq are recomputed on load.
    w.string('ssh-rsa').mpint(big(jwk.n)).mpint(big(jwk.e)).mpint(big(jwk.d)).mpint(big(jwk.qi)).mpint(big(jwk.p)).mpint(big(jwk.q));
    return;
  }
  throw new ValidationError('key', 'supported key type', `key: unsupported key type ${String(jwk.kty)}`);
}

/** Reads the fields after the type string; returns a private JWK (public parts included). */
export function readPrivateFields(type: string, r: SshReader): JsonWebKey {
  if (type === 'ssh-ed25519') {
    const pub = r.string();
    const secret = r.string();
    if (pub.length !== 32 || secret.length !== 64 || !secret.subarray(32).equals(pub)) {
      throw new BlobError('malformed-key', 'the Ed25519 private key is malformed');
    }
    return { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url'), d: secret.subarray(0, 32).toString('base64url') };
  }
  const ecdsa = /^ecdsa-sha2-(nistp\d+)$/.exec(type);
  if (ecdsa) {
    const curve = curveBy('sshName', ecdsa[1]);
    if (!curve) throw new BlobError('unknown-curve', `unknown ECDSA curve in key type ${type}`);
    if (r.text() !== curve.sshName) throw new BlobError('curve-mismatch', `the private key's curve does not match ${type}`);
    const q = r.string();
    const d = r.unsignedMpint();
    if (q.length !== 1 + 2 * curve.coordLength || q[0] !== 4) {
      throw new BlobError('malformed-key', 'the ECDSA private key is malformed');
    }
    return {
      kty: 'EC',
      crv: curve.jwk,
      x: q.subarray(1, 1 + curve.coordLength).toString('base64url'),
      y: q.subarray(1 + curve.coordLength).toString('base64url'),
      d: bigintToBase64Url(d, curve.coordLength),
    };
  }
  if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = [
      r.unsignedMpint(),
      r.unsignedMpint(),
      r.unsignedMpint(),
      r.unsignedMpint(),
      r.unsignedMpint(),
      r.unsignedMpint(),
    ];
    if (p < 2n || q < 2n || p * q !== n) throw new BlobError('malformed-key', 'the RSA private key is inconsistent');
    const b = (v: bigint) => bigintToBase64Url(v);
    return { kty: 'RSA', n: b(n), e: b(e), d: b(d), p: b(p), q: b(q), dp: b(d % (p - 1n)), dq: b(d % (q - 1n)), qi: b(iqmp) };
  }
  if (type.startsWith('sk-')) {
    throw new BlobError(
      'security-key',
      'security-key (sk-) private keys need their hardware token and cannot be used as a deploy key identity',
    );
  }
  if (type === 'ssh-dss') {
    throw new BlobError('dsa-forbidden', 'DSA (ssh-dss) keys are insecure and refused by GitLab and OpenSSH; use ed25519 or ecdsa');
  }
  throw new BlobError('unknown-type', `unsupported private key type ${JSON.stringify(type.slice(0, 60))}`);
}
