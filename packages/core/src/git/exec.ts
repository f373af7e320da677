/**
 * Runs the system `git` with a timeout on every call, classifies its failures from stderr
 * (LC_ALL=C keeps the wording stable) and retries the network ones with core's backoff.
 * Error messages keep only git's `fatal:`/`error:`/`remote:` lines, with every secret redacted.
 */
import { spawn } from 'node:child_process';
import { GlkeysError } from '../errors.js';
import type { RetryOptions } from '../gitlab/retry-policy.js';
import { retrying } from '../retry.js';

export type GitFailureReason = 'auth' | 'host-key' | 'tls' | 'not-found' | 'rejected' | 'unreachable' | 'timeout' | 'aborted' | 'failed';

/** A git command failed. `code` is `GIT` (the CLI maps it to exit 5); the message says what to do. */
export class GitCommandError extends GlkeysError {
  readonly reason: GitFailureReason;
  /** The git subcommand, e.g. `push`. */
  readonly operation: string;

  constructor(operation: string, reason: GitFailureReason, message: string) {
    super('GIT', message);
    this.operation = operation;
    this.reason = reason;
  }
}

export interface GitRunOptions {
  cwd: string;
  env: Record<string, string>;
  /** Leading `-c key=value` pairs (not secret: paths and names only). */
  config?: string[];
  timeoutMs: number;
  /** Values that must never appear in an error message. */
  secrets: string[];
  /** Remote URL, named in messages. */
  url: string;
  /** Aborting kills git's process group; the call then rejects with reason `aborted`. */
  signal?: AbortSignal;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export function runGit(args: string[], options: GitRunOptions): Promise<GitOutput> {
  const argv = [...(options.config ?? []).flatMap((c) => ['-c', c]), ...args];
  const { signal } = options;
  // Once aborted, no git process is started at all (not even a retry).
  if (signal?.aborted) return Promise.reject(aborted(args[0]!, options));
  return new Promise((resolve, reject) => {
    // Own process group, so a timeout or an abort also ends the ssh or remote-https helper git started.
    const child = spawn('git', argv, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let stopped = false;
    const onAbort = () => {
      stopped = true;
      if (child.pid !== undefined) killGroup(child.pid);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settled = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    // Decoded as a stream, so a multi-byte character split between chunks stays whole.
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, options.timeoutMs);
    child.on('error', (error) => {
      settled();
      reject(
        new GitCommandError(
          args[0]!,
          'failed',
          `git ${args[0]}: cannot run git (${(error as NodeJS.ErrnoException).code ?? error.message}); install git and make sure it is on PATH`,
        ),
      );
    });
    // 'close' comes after git exited and its pipes closed, so git is gone when this settles.
    child.on('close', (code) => {
      settled();
      if (stopped) {
        reject(aborted(args[0]!, options));
      } else if (timedOut) {
        reject(failure(args[0]!, 'timeout', `no answer within ${Math.round(options.timeoutMs / 1000)} s`, options));
      } else if (code === 0) {
        resolve({ stdout, stderr });
      } else {
        reject(failure(args[0]!, classify(stderr), gitLines(stderr), options));
      }
    });
  });
}

/**
 * Runs `call` again after a transient failure (unreachable, timeout), with core's capped
 * full-jitter backoff (retry.ts). An aborted `signal` stops the retries and cuts a wait short.
 */
export async function withGitRetry<T>(
  call: () => Promise<T>,
  retry: Partial<RetryOptions> = {},
  wait?: (ms: number) => Promise<unknown>,
  signal?: AbortSignal,
): Promise<T> {
  return retrying(() => call(), {
    retry,
    decide: (error) => ({ retry: error instanceof GitCommandError && (error.reason === 'unreachable' || error.reason === 'timeout') }),
    sleep: wait,
    signal,
  });
}

// Order matters: an SSH auth failure also says "Could not read from remote repository".
const RULES: [GitFailureReason, RegExp][] = [
  ['host-key', /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No [A-Z0-9-]+ host key is known/i],
  [
    'auth',
    /Permission denied|Authentication failed|returned error: 40[13]|could not read (Username|Password)|terminal prompts disabled|Invalid username or password|HTTP Basic: Access denied|access denied|not authorized/i,
  ],
  ['tls', /SSL certificate problem|server certificate verification failed|unable to get local issuer|SSL_ERROR|certificate verify failed/i],
  [
    'not-found',
    /repository '.*' not found|does not appear to be a git repository|returned error: 404|Repository not found|No such file or directory/i,
  ],
  ['rejected', /\[rejected\]|\[remote rejected\]|non-fast-forward|fetch first|pre-receive hook declined|protected branch/i],
  [
    'unreachable',
    /Could not resolve host|Connection refused|Connection timed out|Connection reset|Operation timed out|No route to host|Network is unreachable|returned error: 5\d\d|RPC failed|early EOF|unexpected disconnect|remote end hung up|Connection closed by|kex_exchange_identification|Failed to connect/i,
  ],
];

export function classify(stderr: string): GitFailureReason {
  for (const [reason, pattern] of RULES) if (pattern.test(stderr)) return reason;
  return 'failed';
}

const ADVICE: Record<GitFailureReason, string> = {
  auth: 'the Git server refused the credential: check the username and password (HTTPS) or that the private key is registered with write access (SSH)',
  'host-key': "the server's SSH host key does not match the scanned known_hosts: check the host and port of the URL",
  tls: 'the TLS certificate was not trusted: pass the CA bundle (caCert)',
  'not-found': 'the repository was not found: check the URL (a server may also answer this when the credential cannot see the repository)',
  rejected: 'the push was rejected (the branch moved, or it is protected): run the command again, or allow pushes to the branch',
  unreachable: 'the Git server could not be reached: check the URL, the network and that the server is up, then run the command again',
  timeout: 'the Git server did not answer in time: run the command again (it is safe to repeat)',
  aborted: 'stopped on request',
  failed: "see git's message above",
};

function failure(operation: string, reason: GitFailureReason, detail: string, options: GitRunOptions): GitCommandError {
  const said = redact(detail, options.secrets).trim();
  return new GitCommandError(operation, reason, `git ${operation} ${options.url} failed${said ? `: ${said}` : ''}\n${ADVICE[reason]}`);
}

function aborted(operation: string, options: GitRunOptions): GitCommandError {
  return new GitCommandError(operation, 'aborted', `git ${operation} ${options.url} was stopped (aborted)`);
}

/** git's own diagnostics, without progress noise or terminal control characters; at most a few lines. */
function gitLines(stderr: string): string {
  // `remote:` lines come from the server: no escape sequence of theirs reaches the terminal.
  const clean = stderr.replace(/[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g, '');
  const lines = clean
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => /^(fatal|error|remote|ssh|!|To |\S+@\S+: Permission)/i.test(l) || /rejected|denied|refused/i.test(l));
  return (lines.length ? lines : clean.split(/\r?\n/).filter(Boolean)).slice(-6).join('\n');
}

/**
 * Drops every line that holds a secret, or a line of a private key's body. Whole lines, not
 * substrings: replacing a short password where it happens to stand would point at it.
 */
export function redact(text: string, secrets: string[]): string {
  // A one-line secret (a password) as it is; a private key by each line of its body.
  const needles = secrets
    .flatMap((secret) => (secret.includes('\n') ? secret.split('\n').filter((line) => line.trim().length >= 16) : [secret]))
    .filter((s) => s !== '');
  return text
    .split('\n')
    .map((line) => (needles.some((needle) => line.includes(needle)) ? '[a line holding a secret was left out]' : line))
    .join('\n');
}
