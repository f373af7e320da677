export { parseGoDuration, formatGoDuration } from './duration.js';
export { checkNamespace, checkSecretName, checkBranch, checkSyncPath, bootstrapCredentialName, bootstrapOwner, type CredentialNameInput } from './naming.js';
export { gitRepositoryUrl, renderGotkSync, renderSyncKustomization, syncFiles, type SyncManifestInput, type SyncFile } from './sync-manifests.js';
export {
  VISIBILITIES,
  checkProjectCoordinates,
  ensureProject,
  type ProjectLookup,
  findNamespace,
  findProject,
  findProjectIn,
  toProjectInfo,
  type EnsureProjectInput,
  type NamespaceInfo,
  type ProjectInfo,
  type Visibility,
} from './project.js';
export { commitFiles, type CommitFilesResult, type FileOutcome, type FileToCommit } from './commit-files.js';
export { ACCESS_LEVEL_NAMES, accessLevelName, getTokenSelf, type TokenSelf } from './token-self.js';
export { describeTokenAccess, type CommandAccess, type TokenAccess } from './token-access.js';
export { MAINTAINER, PreflightError, preflight, type PreflightInput, type PreflightResult } from './preflight.js';
export { MemorySecretStore, type SecretStore, type StoredSecret } from './store.js';
export {
  bootstrapGitlab,
  checkBootstrapAuthFlags,
  type BootstrapAuth,
  type BootstrapGitlabInput,
  type BootstrapGitlabResult,
  type BootstrapStep,
} from './run.js';
export { credentialToSecret, secretOwner, type SecretCredentialInput, type SecretCredentialResult } from './secret-credential.js';
export { DEFAULT_AUTHOR, DEFAULT_COMMIT_MESSAGE, checkCommitAuthor, pushFiles, type PushFilesInput, type PushFilesResult } from './git-repo.js';
export { parseGitRemoteUrl, sshCommand, type GitAuth, type GitRemote } from './git-remote.js';
export { GitCommandError, type GitFailureReason } from './git-exec.js';
export {
  bootstrapGit,
  checkGitBootstrapInput,
  type GitBootstrapCredential,
  type GitBootstrapFields,
  type GitBootstrapInput,
  type GitBootstrapResult,
} from './git-bootstrap.js';
export { writeSyncFiles, type WrittenFile } from './sync-files-dir.js';
