import { createHash } from 'node:crypto';

/** `SHA256:` + unpadded base64 of the key blob: GitLab's `fingerprint_sha256`, `ssh-keygen -l -E sha256`. */
export function fingerprintSha256(blob: Uint8Array): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** Colon-separated lower-case hex MD5 of the key blob: GitLab's `fingerprint` (without `MD5:`). */
export function fingerprintMd5(blob: Uint8Array): string {
  const hex = createHash('md5').update(blob).digest('hex');
  return hex.replace(/(..)(?!$)/g, '$1:');
}
