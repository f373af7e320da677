/**
 * `@glkeys/core/bootstrap`: Flux bootstrap as flows, `bootstrapGitlab` (project, credential,
 * Secret, sync manifests committed through the API) and `bootstrapGit` (the same manifests
 * pushed with the system git to any server), plus the parts a caller checks or reuses: sync
 * manifests (src/flux) and the git client (src/git). Every public name of this entry is listed here.
 */
export {
  bootstrapGitlab,
  checkBootstrapAuthFlags,
  type BootstrapAuth,
  type BootstrapGitlabInput,
  type BootstrapGitlabResult,
  type BootstrapStep,
} from './gitlab-bootstrap.js';
export {
  bootstrapGit,
  checkGitBootstrapInput,
  type GitBootstrapCredential,
  type GitBootstrapFields,
  type GitBootstrapInput,
  type GitBootstrapResult,
} from './git-bootstrap.js';
export { planBootstrapGitlab, type BootstrapGitlabPlan, type BootstrapPlanStep } from './gitlab-plan.js';
export { checkProjectCoordinates, VISIBILITIES, type Visibility } from './project.js';
export { PreflightError, type PreflightResult } from './preflight.js';
export type { CommitFilesResult, FileOutcome } from './commit-files.js';

// Flux's sync manifests.
export { syncFiles, type SyncFile, type SyncManifestInput } from '../flux/sync-manifests.js';
export { checkSyncPath } from '../flux/naming.js';
export { parseGoDuration } from '../flux/duration.js';

// The system git, driven safely.
export { pushFiles, type PushFilesInput, type PushFilesResult } from '../git/push.js';
export { parseGitRemoteUrl, type GitAuth, type GitRemote } from '../git/remote.js';
export { checkBranch } from '../git/branch.js';
export { GitCommandError, type GitFailureReason } from '../git/exec.js';
export type { WrittenFile } from '../git/checkout-files.js';
