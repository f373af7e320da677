export {
  CredentialLifecycle,
  type LifecycleOptions,
  type LifecycleResult,
  type PersistUpdate,
  type EnsureAction,
  type EnsureOptions,
  type MintReason,
  type RunOptions,
} from './protocol.js';
export { ownerKeyOf, markName, parseMarker, baseNameOf, type OwnerMarker } from './owner-marker.js';
export {
  STATE_ANNOTATION,
  STATE_VERSION,
  emptyState,
  checkState,
  sameTarget,
  stateToAnnotations,
  parseStateAnnotation,
  type LifecycleState,
  type CredentialRef,
  type RetiringCredential,
  type CredentialKind,
  type StateContext,
  type TargetRef,
} from './state.js';
export type { CallOptions, CredentialDriver, CredentialRecord, MintedCredential } from './driver.js';
export { resolveTargetRef, targetOf } from './target-ref.js';
export {
  deployTokenDriver,
  deployTokenSpecHash,
  checkDeployTokenSpec,
  type DeployTokenSpec,
  type DeployTokenValue,
} from './deploy-token-driver.js';
export { deployKeyDriver, deployKeySpecHash, checkDeployKeySpec, type DeployKeySpec, type DeployKeyValue } from './deploy-key-driver.js';
export { MemorySecretStore, type SecretStore, type StoredSecret, type WritePrecondition } from './secret-store.js';
export {
  DATA_HASH_ANNOTATION,
  bindCredentialToSecret,
  revokeSecretCredential,
  type SecretBindingInput,
  type SecretBindingResult,
  type SecretDecoration,
  type SecretRef,
  type SecretRevokeInput,
} from './secret-binding.js';
export {
  checkDeployKeySecret,
  checkDeployTokenSecret,
  deployKeyToSecret,
  deployTokenToSecret,
  revokeCredentialSecret,
  secretOwner,
  legacySecretOwner,
  type CredentialSecretInput,
  type CredentialSecretResult,
  type DeployKeySecretInput,
  type DeployTokenSecretInput,
} from './credential-secrets.js';
