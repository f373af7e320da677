// `bootstrap gitlab` (project, credential, Secret, sync manifests committed through the API)
// and `bootstrap git` (the same manifests pushed with the system git).
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
  type ProjectRow,
  type Visibility,
} from './project.js';
export { commitFiles, type CommitFilesResult, type FileOutcome, type FileToCommit } from './commit-files.js';
export { MAINTAINER, PreflightError, preflight, type PreflightInput, type PreflightResult } from './preflight.js';
export {
  bootstrapGitlab,
  bootstrapOwner,
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
