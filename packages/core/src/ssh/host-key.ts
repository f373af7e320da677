/** A host key blob as read off the wire -> KnownHostKey, without deploy-key size limits. */
import { fingerprintSha256 } from './fingerprint.js';
import { KEY_TYPES } from './public-key.js';
import type { HostKeyAlgorithm, KnownHostKey, SshKeyType } from './types.js';
import { SshReader } from './wire.js';

export const HOST_KEY_ALGORITHMS: readonly HostKeyAlgorithm[] = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
];

/** The blob type a negotiated algorithm yields (RSA keys sign with SHA-2 but stay `ssh-rsa`). */
export function blobTypeOf(algorithm: HostKeyAlgorithm): SshKeyType {
  return algorithm === 'rsa-sha2-512' ? 'ssh-rsa' : algorithm;
}

/** Returns undefined for a blob that is not a key type known_hosts can hold. */
export function toKnownHostKey(blob: Buffer): KnownHostKey | undefined {
  let type: string;
  try {
    type = new SshReader(blob).text();
  } catch {
    return undefined;
  }
  if (!(KEY_TYPES as readonly string[]).includes(type)) return undefined;
  return { type: type as SshKeyType, key: blob.toString('base64'), fingerprintSha256: fingerprintSha256(blob) };
}

/** Stable order (ed25519, ECDSA by size, RSA) and no duplicates, so re-scans render identically. */
export function sortHostKeys(keys: KnownHostKey[]): KnownHostKey[] {
  const rank = (k: KnownHostKey) => HOST_KEY_ALGORITHMS.map(blobTypeOf).indexOf(k.type);
  const unique = new Map(keys.map((k) => [k.key, k]));
  return [...unique.values()].sort((a, b) => rank(a) - rank(b) || a.key.localeCompare(b.key));
}
