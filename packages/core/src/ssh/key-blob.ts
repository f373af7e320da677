/**
 * Public key blobs: JWK -> SSH blob (generation) and SSH blob -> validated description (parsing).
 * Layouts: RFC 4253 §6.6 (ssh-rsa), RFC 5656 §3.1 (ECDSA), RFC 8709 §4 (Ed25519), OpenSSH
 * PROTOCOL.u2f (the sk- security-key types, which carry an extra `application` string).
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { curveBy, type CurveInfo } from './curves.js';
import type { EcdsaCurve, SshKeyAlgorithm, SshKeyType } from './types.js';
import { base64UrlToBigint, bigintToBase64Url, SshReader, SshWriter, WireFormatError } from './wire.js';
import { ValidationError } from '../errors.js';

/** GitLab accepts RSA 1024..4096 (reference/gitlab-api.md); OpenSSH refuses under 1024 too. */
export const RSA_PARSE_MIN_BITS = 1024;
export const RSA_PARSE_MAX_BITS = 4096;

export interface DecodedBlob {
  type: SshKeyType;
  bits: number;
  /** Undefined for sk- keys: their private half lives on a hardware token. */
  algorithm: SshKeyAlgorithm | undefined;
  curve?: EcdsaCurve;
  /** Public JWK for node:crypto (absent for sk- keys). */
  jwk?: JsonWebKey;
}

/** Why a blob was refused: `rule` is stable, `message` human; neither holds key bytes. */
export class BlobError extends Error {
  constructor(
    readonly rule: string,
    message: string,
  ) {
    super(message);
  }
}

export function encodePublicBlob(jwk: JsonWebKey): Buffer {
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519' && jwk.x) {
    return new SshWriter().string('ssh-ed25519').string(Buffer.from(jwk.x, 'base64url')).toBuffer();
  }
  if (jwk.kty === 'EC' && jwk.x && jwk.y) {
    const curve = curveBy('jwk', jwk.crv);
    if (!curve) throw new ValidationError('key', 'supported curve', `key: unsupported curve ${String(jwk.crv)}`);
    return new SshWriter()
      .string(`ecdsa-sha2-${curve.sshName}`)
      .string(curve.sshName)
      .string(ecPoint(curve, jwk.x, jwk.y))
      .toBuffer();
  }
  if (jwk.kty === 'RSA' && jwk.n && jwk.e) {
    return new SshWriter().string('ssh-rsa').mpint(base64UrlToBigint(jwk.e)).mpint(base64UrlToBigint(jwk.n)).toBuffer();
  }
  throw new ValidationError('key', 'supported key type', `key: unsupported key type ${String(jwk.kty)}`);
}

/** Uncompressed SEC1 point 0x04 || X || Y, coordinates left-padded to the curve size. */
export function ecPoint(curve: CurveInfo, x: string, y: string): Buffer {
  const pad = (v: string) => {
    const b = Buffer.from(v, 'base64url');
    return Buffer.concat([Buffer.alloc(curve.coordLength - b.length), b]);
  };
  return Buffer.concat([Buffer.of(4), pad(x), pad(y)]);
}

export function decodePublicBlob(blob: Buffer): DecodedBlob {
  const reader = new SshReader(blob);
  try {
    const decoded = decodeFields(reader.text(), reader);
    reader.expectEnd();
    return decoded;
  } catch (err) {
    if (err instanceof WireFormatError) throw new BlobError('malformed-blob', `the key data is malformed (${err.message})`);
    throw err;
  }
}

function decodeFields(type: string, r: SshReader): DecodedBlob {
  if (type === 'ssh-dss') {
    throw new BlobError('dsa-forbidden', 'DSA (ssh-dss) keys are insecure and refused by GitLab and OpenSSH; use ed25519 or ecdsa');
  }
  if (type === 'ssh-ed25519' || type === 'sk-ssh-ed25519@openssh.com') {
    const pub = r.string();
    if (pub.length !== 32) throw new BlobError('malformed-blob', 'an Ed25519 public key is 32 bytes');
    if (type === 'sk-ssh-ed25519@openssh.com') {
      r.text(); // application, e.g. "ssh:"
      return { type, bits: 256, algorithm: undefined };
    }
    const jwk: JsonWebKey = { kty: 'OKP', crv: 'Ed25519', x: pub.toString('base64url') };
    return { type, bits: 256, algorithm: 'ed25519', jwk: checkedJwk(jwk) };
  }
  const ecdsa = /^(sk-)?ecdsa-sha2-(nistp\d+)(@openssh\.com)?$/.exec(type);
  if (ecdsa && Boolean(ecdsa[1]) === Boolean(ecdsa[3])) {
    const curve = curveBy('sshName', ecdsa[2]);
    const sk = Boolean(ecdsa[1]);
    if (!curve || (sk && curve.curve !== 'p256')) throw new BlobError('unknown-curve', `unknown ECDSA curve in key type ${type}`);
    const inner = r.text();
    if (inner !== curve.sshName) {
      throw new BlobError('curve-mismatch', `key type ${type} carries curve ${inner.slice(0, 20)}`);
    }
    const q = r.string();
    if (q.length !== 1 + 2 * curve.coordLength || q[0] !== 4) {
      throw new BlobError('malformed-blob', `the ECDSA point is not an uncompressed ${curve.sshName} point`);
    }
    const jwk: JsonWebKey = {
      kty: 'EC',
      crv: curve.jwk,
      x: q.subarray(1, 1 + curve.coordLength).toString('base64url'),
      y: q.subarray(1 + curve.coordLength).toString('base64url'),
    };
    if (sk) {
      r.text();
      checkedJwk(jwk);
      return { type: type as SshKeyType, bits: 256, algorithm: undefined, curve: curve.curve };
    }
    return { type: type as SshKeyType, bits: curve.bits, algorithm: 'ecdsa', curve: curve.curve, jwk: checkedJwk(jwk) };
  }
  if (type === 'ssh-rsa') {
    const e = r.unsignedMpint();
    const n = r.unsignedMpint();
    const bits = n.toString(2).length;
    if (e < 3n || e % 2n === 0n) throw new BlobError('malformed-blob', 'the RSA public exponent is invalid');
    if (bits < RSA_PARSE_MIN_BITS || bits > RSA_PARSE_MAX_BITS) {
      throw new BlobError('rsa-bits', `RSA keys must have ${RSA_PARSE_MIN_BITS}..${RSA_PARSE_MAX_BITS} bits; this one has ${bits}`);
    }
    const jwk: JsonWebKey = { kty: 'RSA', n: bigintToBase64Url(n), e: bigintToBase64Url(e) };
    return { type, bits, algorithm: 'rsa', jwk: checkedJwk(jwk) };
  }
  throw new BlobError('unknown-type', `unsupported key type ${JSON.stringify(type.slice(0, 60))}`);
}

/** node:crypto checks that an EC point lies on its curve; an invalid key is refused here, not by GitLab. */
function checkedJwk(jwk: JsonWebKey): JsonWebKey {
  try {
    createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    throw new BlobError('invalid-key', 'the key data is not a valid public key');
  }
  return jwk;
}
