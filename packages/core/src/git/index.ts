// The system git, driven safely: remotes and auth, commits and pushes with timeouts and retries.
export { checkBranch } from './branch.js';
export { DEFAULT_AUTHOR, DEFAULT_COMMIT_MESSAGE, checkCommitAuthor, pushFiles, type PushFilesInput, type PushFilesResult } from './push.js';
export { parseGitRemoteUrl, sshCommand, type GitAuth, type GitRemote } from './remote.js';
export { GitCommandError, type GitFailureReason } from './exec.js';
export { writeSyncFiles, type WrittenFile } from './checkout-files.js';
