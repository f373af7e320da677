/**
 * `@glkeys/core`: what most SDK users need. Every public name of this entry is listed here,
 * by concern; anything not listed is internal and may change without notice. The other entries
 * (tsup.config.ts, README.md "Entry points"): `./read` (the read side, light to load),
 * `./kubernetes` (the only one that loads @kubernetes/client-node), `./bootstrap` (Flux
 * bootstrap flows, sync manifests, git) and `./ci` (CI variables and lint).
 * test/public-api.test.ts fails when this list and test/public-api.json disagree.
 */

// Errors: every error core throws is a GlkeysError with a stable `code`.
export {
  GlkeysError,
  ValidationError,
  GitlabApiError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  TargetNotFoundError,
  CredentialElsewhereError,
  GitlabValidationError,
  RateLimitedError,
  GitlabServerError,
  NetworkError,
  TimeoutError,
  LifecycleError,
  ForeignStateError,
  isGlkeysError,
  isTerminal,
  retryAfterMs,
  GLKEYS_ERROR_CODES,
  type GlkeysErrorCode,
  type RequestInfo,
  type ForeignCredentials,
} from './errors.js';
// The classes load without the Kubernetes client; a Secret store's guarded write throws ConflictError.
export { KubernetesApiError, ConflictError, type KubeRequest, type KubeReason } from './kubernetes/errors.js';

// Projects, groups and where a credential lives.
export { parseGitlabRef, encodeId, formatRef, type GitlabRef, type ParseRefOptions } from './ids/gitlab-ref.js';
export { resolveTarget, describeTarget, type CredentialTarget } from './target.js';
export { resolveExpiry, parseDuration, DURATION_RULE, DURATION_PATTERN, MIN_EXPIRY_MS, type ExpiryInput } from './expiry.js';
export { shown, escapeControl } from './shown.js';

// The GitLab client (core's calls plus gitbeaker's resources) and the lean reader.
export { createGitlabClient, type GitlabClient, type GitlabClientOptions } from './gitlab/client.js';
export { createGitlabReader, type GitlabReaderOptions } from './gitlab/reader.js';
export type { GitlabApi, GitlabCallOptions, GitlabRequestInit, GitlabResponse, GitlabToken, PaginateOptions } from './gitlab/api.js';
export type { TransportOptions, RetryEvent, AttemptEvent } from './gitlab/transport.js';
export { DEFAULT_RETRY, type RetryOptions } from './gitlab/retry-policy.js';
export { normalizeHost } from './gitlab/host.js';
export { getTokenSelf, type TokenSelf } from './gitlab/token-self.js';
export { describeTokenAccess, type CommandAccess, type TokenAccess } from './gitlab/token-access.js';

// Deploy tokens and deploy keys.
export {
  createDeployToken,
  listDeployTokens,
  getDeployToken,
  revokeDeployToken,
  isDeployTokenAlive,
  type DeployToken,
  type NewDeployToken,
} from './deploy-tokens/api.js';
export { validateCreateDeployToken, type CreateDeployTokenInput, type ValidDeployTokenInput } from './deploy-tokens/validate.js';
export {
  GROUP_DEPLOY_TOKEN_SCOPES,
  PROJECT_DEPLOY_TOKEN_SCOPES,
  type DeployTokenScope,
  type DeployTokenTargetKind,
} from './deploy-tokens/scopes.js';
export {
  registerDeployKey,
  listDeployKeys,
  getDeployKey,
  updateDeployKey,
  deleteDeployKey,
  enableDeployKey,
  isDeployKeyAlive,
  checkDeployKeyTitle,
  type DeployKey,
  type RegisterDeployKeyInput,
} from './deploy-keys/api.js';

// The lifecycle protocol and its two drivers.
export {
  CredentialLifecycle,
  type LifecycleOptions,
  type LifecycleResult,
  type PersistUpdate,
  type EnsureAction,
  type EnsureOptions,
  type MintReason,
  type RunOptions,
} from './lifecycle/protocol.js';
export type { CallOptions, CredentialDriver, CredentialRecord, MintedCredential } from './lifecycle/driver.js';
export { deployTokenDriver, type DeployTokenSpec, type DeployTokenValue } from './lifecycle/deploy-token-driver.js';
export { deployKeyDriver, type DeployKeySpec, type DeployKeyValue } from './lifecycle/deploy-key-driver.js';
export { resolveTargetRef } from './lifecycle/target-ref.js';
// A plain create whose answer was lost: find what it made, revoke it (token) or hand it over (key).
export { createDeployTokenOrRevoke, registerDeployKeyOrFind, mayHaveActed, CreateOutcomeError } from './lifecycle/unknown-outcome.js';
export {
  STATE_ANNOTATION,
  stateToAnnotations,
  parseStateAnnotation,
  type LifecycleState,
  type CredentialRef,
  type RetiringCredential,
  type CredentialKind,
  type TargetRef,
} from './lifecycle/state.js';

// The Secret binding: one live credential kept in one Secret.
export {
  deployTokenToSecret,
  deployKeyToSecret,
  revokeCredentialSecret,
  checkDeployTokenSecret,
  checkDeployKeySecret,
  secretOwner,
  legacySecretOwner,
  type CredentialSecretInput,
  type CredentialSecretResult,
  type DeployTokenSecretInput,
  type DeployKeySecretInput,
} from './lifecycle/credential-secrets.js';
export {
  bindCredentialToSecret,
  revokeSecretCredential,
  DATA_HASH_ANNOTATION,
  type SecretBindingInput,
  type SecretBindingResult,
  type SecretDecoration,
  type SecretRef,
  type SecretRevokeInput,
} from './lifecycle/secret-binding.js';
export { MemorySecretStore, type SecretStore, type StoredSecret, type WritePrecondition } from './lifecycle/secret-store.js';
export { checkNamespace, checkSecretName } from './kubernetes/names.js';

// Secret formats (External Secrets, Flux HTTPS and SSH, dockerconfigjson).
export {
  SECRET_FORMATS,
  ANNOTATION_CREDENTIAL_ID,
  ANNOTATION_EXPIRES_AT,
  ANNOTATION_FINGERPRINT,
  renderTokenSecret,
  renderKeySecret,
  tokenSecretRenderer,
  keySecretRenderer,
  type SecretFormat,
  type RenderedSecret,
  type SecretRenderer,
  type TokenCredential,
  type KeyCredential,
  type TokenRenderOptions,
} from './render/formats.js';
export { secretManifest, MANAGED_BY_LABEL, type SecretManifest, type OwnerReference } from './render/secret-manifest.js';

// SSH key material: generation, parsing, fingerprints, known_hosts.
export { generateKeyPair, RSA_GENERATE_MAX_BITS, RSA_GENERATE_MIN_BITS } from './ssh/generate.js';
// The owner marker's key: what a controller records to find an owner's credentials by hand.
export { ownerKeyOf } from './lifecycle/owner-marker.js';
// Go-style durations (1h30m), as Flux and Kubernetes objects write them.
export { parseGoDuration } from './flux/duration.js';
export { parsePublicKey } from './ssh/public-key.js';
export { parsePrivateKey } from './ssh/private-key.js';
export { fingerprintSha256, fingerprintMd5 } from './ssh/fingerprint.js';
export { scanHostKeys } from './ssh/scan.js';
export { scanKnownHosts } from './ssh/known-hosts.js';
export { HostKeyScanError } from './ssh/scan-error.js';
export { parseSshHost, renderKnownHosts } from './ssh/ssh-host.js';
export type {
  SshKeyAlgorithm,
  EcdsaCurve,
  SshKeyType,
  GenerateKeyPairOptions,
  SshKeyPair,
  SshPublicKey,
  ParsedPrivateKey,
  SshHost,
  HostKeyAlgorithm,
  KnownHostKey,
  ScanHostKeysOptions,
} from './ssh/types.js';
