import type { EcdsaCurve } from './types.js';

/** The three NIST curves OpenSSH and GitLab accept, in every naming the code meets. */
export interface CurveInfo {
  curve: EcdsaCurve;
  /** Name inside SSH blobs (RFC 5656 §6.1). */
  sshName: 'nistp256' | 'nistp384' | 'nistp521';
  /** JWK `crv` and node's namedCurve. */
  jwk: 'P-256' | 'P-384' | 'P-521';
  bits: 256 | 384 | 521;
  /** Bytes per coordinate in an uncompressed point. */
  coordLength: number;
}

export const CURVES: readonly CurveInfo[] = [
  { curve: 'p256', sshName: 'nistp256', jwk: 'P-256', bits: 256, coordLength: 32 },
  { curve: 'p384', sshName: 'nistp384', jwk: 'P-384', bits: 384, coordLength: 48 },
  { curve: 'p521', sshName: 'nistp521', jwk: 'P-521', bits: 521, coordLength: 66 },
];

export function curveBy<K extends keyof CurveInfo>(key: K, value: unknown): CurveInfo | undefined {
  return CURVES.find((c) => c[key] === value);
}
