export { CredentialLifecycle, type LifecycleOptions, type LifecycleResult, type PersistUpdate, type EnsureAction } from './protocol.js';
export { ownerKeyOf, markName, parseMarker, baseNameOf, type OwnerMarker } from './owner-marker.js';
export {
  STATE_ANNOTATION,
  emptyState,
  checkState,
  stateToAnnotations,
  stateFromAnnotations,
  type LifecycleState,
  type CredentialRef,
  type RetiringCredential,
  type CredentialKind,
} from './state.js';
export type { CredentialDriver, CredentialRecord, MintedCredential } from './driver.js';
export { deployTokenDriver, type DeployTokenSpec, type DeployTokenValue } from './deploy-token-driver.js';
export { deployKeyDriver, type DeployKeySpec, type DeployKeyValue } from './deploy-key-driver.js';
export { MemorySecretStore, type SecretStore, type StoredSecret } from './secret-store.js';
export { credentialToSecret, secretOwner, type SecretCredentialInput, type SecretCredentialResult } from './secret-binding.js';
