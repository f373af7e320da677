/**
 * The owner marker: every credential glkeys creates carries `glkeys:<owner-key>/g<generation>`
 * at the end of its GitLab name (deploy token) or title (deploy key). GitLab never shows a
 * token value twice, so a credential whose creation was not recorded cannot be adopted; the
 * marker is what lets us find it again and revoke it.
 *
 * The owner key is the first 12 hex digits of SHA-256 of the owner's identity (a CR's UID,
 * `cluster/namespace/secret`), so the identity itself (possibly internal names) is not published.
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../errors.js';

const MARKER = /\s?glkeys:([0-9a-f]{12})\/g(\d+)$/;
const MAX_NAME = 255;

export interface OwnerMarker {
  ownerKey: string;
  generation: number;
}

export function ownerKeyOf(identity: string): string {
  if (typeof identity !== 'string' || identity.trim() === '') {
    throw new ValidationError('owner', 'not empty', 'owner: the owner identity must not be empty');
  }
  return createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 12);
}

/** `base glkeys:<key>/g<n>`, with `base` shortened so the whole fits GitLab's 255 characters. */
export function markName(base: string, marker: OwnerMarker): string {
  const suffix = `glkeys:${marker.ownerKey}/g${marker.generation}`;
  const room = MAX_NAME - suffix.length - 1;
  const trimmed = base.trim().slice(0, room).trim();
  return trimmed === '' ? suffix : `${trimmed} ${suffix}`;
}

export function parseMarker(name: string): OwnerMarker | undefined {
  const match = MARKER.exec(name);
  if (!match) return undefined;
  return { ownerKey: match[1]!, generation: Number(match[2]) };
}

/** The human part of a marked name. */
export function baseNameOf(name: string): string {
  return name.replace(MARKER, '');
}
