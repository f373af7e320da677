/**
 * What the lifecycle protocol needs from a kind of credential. Two drivers exist: deploy
 * tokens (projects and groups) and deploy keys (projects). The protocol is written once
 * against this interface.
 *
 * A driver is bound to one spec and one target (where new credentials are minted), but reads
 * and revokes on any target: a credential minted on a target the owner no longer names must
 * still be found and revoked there.
 */
import type { CredentialKind, TargetRef } from './state.js';

export interface CredentialRecord {
  id: number;
  name: string;
  expiresAt: string | null;
  /** Still grants access: not revoked, not expired. */
  alive: boolean;
  /** A deploy token's username (what consumers log in as). */
  username?: string;
  /** A deploy key's SHA256 fingerprint, as GitLab shows it. */
  fingerprintSha256?: string;
}

export interface MintedCredential<V> {
  record: CredentialRecord;
  /** What the consumer stores (token value or private key). A secret. */
  value: V;
}

/** Per call: cancellation reaches every GitLab request. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
}

export interface CredentialDriver<V> {
  readonly kind: CredentialKind;
  /** Where `create` mints, by numeric ID. */
  readonly target: TargetRef;
  /**
   * A stable hash of everything that shapes a credential (scopes, username, expiry policy,
   * access level, key type): a change means the current credential no longer fits and is rotated.
   */
  readonly specHash: string;
  /** Creates one credential named `name` (marker included) on `target`. Exactly one GitLab write. */
  create(name: string, now: Date, options?: CallOptions): Promise<MintedCredential<V>>;
  /** One GET; undefined when GitLab no longer knows the credential. */
  get(target: TargetRef, id: number, options?: CallOptions): Promise<CredentialRecord | undefined>;
  /** All live credentials at a target (any owner); the protocol filters by marker. */
  list(target: TargetRef, options?: CallOptions): Promise<CredentialRecord[]>;
  /** Revokes; false when it was already gone. */
  revoke(target: TargetRef, id: number, options?: CallOptions): Promise<boolean>;
}
