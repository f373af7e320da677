/**
 * Image references: `[registry/]repository[:tag][@sha256:digest]`. A pinned image names a
 * version (`1.0.4`, `v2.3`, `1.0`) or a digest, never `latest` or nothing: a moving tag changes
 * the tool under a pipeline that nobody edited (Kestra 2.0 removed the 1.x `flow` commands).
 */

export interface ImageReference {
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export function parseImage(ref: string): ImageReference {
  const at = ref.indexOf('@');
  const digest = at >= 0 ? ref.slice(at + 1) : undefined;
  const nameAndTag = at >= 0 ? ref.slice(0, at) : ref;
  const lastSlash = nameAndTag.lastIndexOf('/');
  const colon = nameAndTag.indexOf(':', lastSlash + 1);
  return colon >= 0
    ? { repository: nameAndTag.slice(0, colon), tag: nameAndTag.slice(colon + 1), digest }
    : { repository: nameAndTag, tag: undefined, digest };
}

const VERSION_TAG = /^v?\d+\.\d+(\.\d+)?([-+][0-9A-Za-z.-]+)?$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Undefined when pinned, else the rule the reference breaks. */
export function unpinnedReason(ref: string): string | undefined {
  if (ref.trim() === '' || /\s/.test(ref)) return 'must be an image reference without spaces';
  const { tag, digest } = parseImage(ref);
  if (digest !== undefined) {
    return DIGEST.test(digest) ? undefined : 'digest must be sha256: followed by 64 hex digits';
  }
  if (tag === undefined) return 'must be pinned to a version tag (e.g. :1.0.4) or a digest; no tag means latest';
  if (tag === 'latest') return 'must not use the moving tag latest; pin a version (e.g. :1.0.4) or a digest';
  if (!VERSION_TAG.test(tag)) return `tag "${tag}" is not a version (major.minor[.patch]); pin a version or a digest`;
  return undefined;
}
