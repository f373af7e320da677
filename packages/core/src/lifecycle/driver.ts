/**
 * What the lifecycle protocol needs from a kind of credential. Two drivers exist: deploy
 * tokens (projects and groups) and deploy keys (projects). The protocol is written once
 * against this interface.
 */
import type { CredentialKind } from './state.js';

export interface CredentialRecord {
  id: number;
  name: string;
  expiresAt: string | null;
  /** Still grants access: not revoked, not expired. */
  alive: boolean;
}

export interface MintedCredential<V> {
  record: CredentialRecord;
  /** What the consumer stores (token value or private key). A secret. */
  value: V;
}

export interface CredentialDriver<V> {
  readonly kind: CredentialKind;
  /** Creates one credential named `name` (marker included). Exactly one GitLab write. */
  create(name: string, now: Date): Promise<MintedCredential<V>>;
  /** One GET; undefined when GitLab no longer knows the credential. */
  get(id: number): Promise<CredentialRecord | undefined>;
  /** All live credentials at the target (any owner); the protocol filters by marker. */
  list(): Promise<CredentialRecord[]>;
  /** Revokes; false when it was already gone. */
  revoke(id: number): Promise<boolean>;
}
