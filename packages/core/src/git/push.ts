/**
 * Commits files to any Git server with the system `git`, as `flux bootstrap git` does: fetch
 * the branch (or, when it is missing, the remote's HEAD; nothing for an empty repository),
 * write the files, commit and push. Identical files are skipped and `onlyIfAbsent` files are
 * never overwritten, so a re-run makes no commit and no push (as commitFiles does for GitLab).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import type { RetryOptions } from '../gitlab/retry-policy.js';
import type { CommitFilesResult, FileToCommit } from '../bootstrap/commit-files.js';
import { GitCommandError, runGit, withGitRetry, type GitOutput } from './exec.js';
import { abortableWait, pushAborted, type GitProgress } from './abort.js';
import { parseGitRemoteUrl, prepareGitAuth, type GitAuth } from './remote.js';
import { checkBranch } from './branch.js';
import { checkRelativePath, writeSyncFiles } from './checkout-files.js';
import { shown } from '../shown.js';

export interface PushFilesInput {
  url: string;
  branch: string;
  files: FileToCommit[];
  auth: GitAuth;
  /** Default: Flux's "Add Flux sync manifests". */
  message?: string;
  /** Default `Flux` / `noreply@glkeys.invalid`. */
  authorName?: string;
  authorEmail?: string;
  /** Allow http:// to a host other than this machine. */
  allowInsecureHttp?: boolean;
  /** Per network call (ls-remote, fetch, push). Default 60 s. */
  timeoutMs?: number;
  retry?: Partial<RetryOptions>;
  /** For tests: the wait between attempts. */
  sleep?: (ms: number) => Promise<unknown>;
  /**
   * Stops the work: git's process group is killed, the temp folder (decrypted key, askpass
   * helper) removed, no further git call or retry is made, and pushFiles rejects with a
   * GitCommandError of reason `aborted` that says whether the push may have reached the remote.
   */
  signal?: AbortSignal;
}

export interface PushFilesResult extends CommitFilesResult {
  /** True when something was pushed (a new commit, or a branch created from the remote's HEAD). */
  pushed: boolean;
  branchCreated: boolean;
}

export const DEFAULT_COMMIT_MESSAGE = 'Add Flux sync manifests';
export const DEFAULT_AUTHOR = { name: 'Flux', email: 'noreply@glkeys.invalid' } as const;
const LOCAL_TIMEOUT_MS = 30_000;

export async function pushFiles(input: PushFilesInput): Promise<PushFilesResult> {
  const remote = parseGitRemoteUrl(input.url, 'url', { allowInsecureHttp: input.allowInsecureHttp === true });
  if (remote.transport !== input.auth.kind) {
    throw new ValidationError(
      'auth',
      'matches the URL',
      `auth: a ${input.auth.kind} credential cannot be used with a ${remote.transport} URL`,
    );
  }
  checkBranch(input.branch, 'branch');
  for (const file of input.files) checkRelativePath(file.path);
  const author = { name: input.authorName ?? DEFAULT_AUTHOR.name, email: input.authorEmail ?? DEFAULT_AUTHOR.email };
  checkCommitAuthor(author);

  const progress: GitProgress = { operation: 'init', pushStarted: false };
  if (input.signal?.aborted) throw pushAborted(input.url, input.branch, progress);
  const root = await mkdtemp(join(tmpdir(), 'glkeys-git-'));
  // The temp folder holds the decrypted key (or the askpass helper): it is removed whatever
  // happens, and on an abort only after git (which could still read it) was killed by runGit.
  try {
    return await pushIn(root, input, author, progress);
  } catch (error) {
    // After an abort, whatever failed (a killed git, a cut-short wait) failed because of it.
    if (input.signal?.aborted) throw pushAborted(input.url, input.branch, progress);
    throw error;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

async function pushIn(
  root: string,
  input: PushFilesInput,
  author: { name: string; email: string },
  progress: GitProgress,
): Promise<PushFilesResult> {
  const authDir = join(root, 'auth');
  const work = join(root, 'work');
  await mkdir(authDir, { mode: 0o700 });
  const setup = await prepareGitAuth(input.auth, authDir);
  const env = gitEnv({
    ...setup.env,
    GIT_AUTHOR_NAME: author.name,
    GIT_AUTHOR_EMAIL: author.email,
    GIT_COMMITTER_NAME: author.name,
    GIT_COMMITTER_EMAIL: author.email,
  });
  const config = ['init.defaultBranch=main', 'commit.gpgsign=false', 'credential.helper=', ...setup.config];
  const base = { env, config, secrets: setup.secrets, url: input.url, ...(input.signal ? { signal: input.signal } : {}) };
  const timeoutMs = input.timeoutMs ?? 60_000;
  const git = (args: string[], cwd: string, ms: number) => {
    progress.operation = args[0]!;
    if (args[0] === 'push') progress.pushStarted = true;
    return runGit(args, { ...base, cwd, timeoutMs: ms });
  };
  const wait = abortableWait(input.signal, input.sleep);
  const local = (args: string[], cwd = work) => git(args, cwd, LOCAL_TIMEOUT_MS);
  const network = (args: string[]) => withGitRetry(() => git(args, work, timeoutMs), input.retry, wait);

  await local(['init', '-q', work], root);
  await local(['remote', 'add', 'origin', input.url]);
  const refs = parseLsRemote(await network(['ls-remote', '--symref', 'origin', 'HEAD', `refs/heads/${input.branch}`]), input.branch);
  const baseRef = refs.branch ? `refs/heads/${input.branch}` : refs.head ? 'HEAD' : null;
  if (baseRef) {
    await network(['fetch', '-q', '--no-tags', '--depth', '1', 'origin', `+${baseRef}:refs/remotes/origin/base`]);
    await local(['checkout', '-q', '-B', input.branch, 'refs/remotes/origin/base']);
  } else {
    await local(['symbolic-ref', 'HEAD', `refs/heads/${input.branch}`]);
  }

  const written = await writeSyncFiles(work, input.files);
  const files: PushFilesResult['files'] = written.map(({ path, outcome }) => ({ path, outcome }));
  const changed = written.filter((f) => f.written !== null).map((f) => f.path);

  // A push that timed out or lost its connection may have landed, and curl resends a POST
  // whose reused connection died, which the server then rejects ("reference already exists").
  // So after such a failure, ask the server: if the branch points at what we pushed, it is done.
  const push = (expected: string) =>
    withGitRetry(
      async () => {
        try {
          await git(['push', '-q', 'origin', `HEAD:refs/heads/${input.branch}`], work, timeoutMs);
        } catch (error) {
          const unsure =
            error instanceof GitCommandError &&
            (error.reason === 'timeout' || error.reason === 'unreachable' || error.reason === 'rejected');
          if (!unsure) throw error;
          const now = await git(['ls-remote', 'origin', `refs/heads/${input.branch}`], work, timeoutMs).catch(() => undefined);
          if (now && parseLsRemote(now, input.branch).branch === expected) return;
          throw error;
        }
      },
      input.retry,
      wait,
    );
  const headId = async () => (await local(['rev-parse', 'HEAD'])).stdout.trim();
  if (changed.length === 0) {
    // Nothing to commit; a missing branch is still created from the remote's HEAD.
    if (refs.branch || !baseRef) return { commit: null, files, pushed: false, branchCreated: false };
    await push(await headId());
    return { commit: null, files, pushed: true, branchCreated: true };
  }
  await local(['add', '--', ...changed]);
  await local(['commit', '-q', '--no-verify', '-m', input.message ?? DEFAULT_COMMIT_MESSAGE]);
  const id = await headId();
  await push(id);
  return { commit: { id, webUrl: null }, files, pushed: true, branchCreated: !refs.branch };
}

/** `ls-remote --symref` lines: `ref: refs/heads/main\tHEAD`, `<sha>\tHEAD`, `<sha>\trefs/heads/<branch>`. */
function parseLsRemote(output: GitOutput, branch: string): { head: string | null; branch: string | null } {
  let head: string | null = null;
  let tip: string | null = null;
  for (const line of output.stdout.split('\n')) {
    const [left, ref] = line.split('\t');
    if (!left || !ref || left.startsWith('ref: ')) continue;
    if (ref === 'HEAD') head = left;
    if (ref === `refs/heads/${branch}`) tip = left;
  }
  return { head, branch: tip };
}

/** git refuses (or mangles) names with angle brackets or line breaks. */
export function checkCommitAuthor(author: { name: string; email: string }, nameField = 'authorName', emailField = 'authorEmail'): void {
  if (author.name.trim() === '' || /[<>\n]/.test(author.name)) {
    throw new ValidationError(nameField, 'no <, > or line breaks', `${nameField}: must be non-empty, without <, > or line breaks`);
  }
  if (!/^[^\s<>@]+@[^\s<>@]+$/.test(author.email)) {
    throw new ValidationError(
      emailField,
      'an e-mail address',
      `${emailField}: ${shown(author.email.slice(0, 100))} is not an e-mail address`,
    );
  }
}

/**
 * A clean environment: no inherited GIT_DIR or user/system git config (a credential helper or
 * insteadOf there must not change what is pushed where), C locale for stable messages, no prompts.
 */
function gitEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of [
    'PATH',
    'HOME',
    'TMPDIR',
    'SYSTEMROOT',
    'http_proxy',
    'https_proxy',
    'HTTP_PROXY',
    'HTTPS_PROXY',
    'no_proxy',
    'NO_PROXY',
    'all_proxy',
    'ALL_PROXY',
    'SSL_CERT_FILE',
    'SSL_CERT_DIR',
  ]) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return {
    ...env,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GCM_INTERACTIVE: 'never',
    ...extra,
  };
}
