/**
 * Turns any failure into one message that says what to do next, plus an exit code and a
 * stable JSON shape. Core errors never hold secrets (Kubernetes ones keep only the status,
 * reason and field paths); a raw Kubernetes client error may echo a request body (a Secret!),
 * so only its status is kept. Whether re-running can help comes from core's isTerminal, and
 * the wait a server asked for from retryAfterMs: the CLI does not keep its own list.
 */
import { GLKEYS_ERROR_CODES, escapeControl, isTerminal, retryAfterMs, shown } from '@glkeys/core/read';
import { exitCodeFor, type ExitCode } from './exit-codes.js';
import { truthfulHint } from './gitlab-calls.js';

export interface ErrorReport {
  code: string;
  message: string;
  exitCode: ExitCode;
  /** Whether running the same command again may succeed (core's isTerminal, inverted). */
  retryable: boolean;
  /** The wait GitLab or the apiserver asked for before a new attempt. */
  retryAfterMs?: number;
  field?: string;
  rule?: string;
  hint?: string;
}

const SAFE_TO_REPEAT = 'run the command again (it is safe to repeat)';

const HINTS: Record<string, string> = {
  UNAUTHORIZED: 'Set GITLAB_TOKEN to a valid, unexpired token; `glkeys auth status` shows what a token can do.',
  FORBIDDEN: "Run `glkeys auth status` to see the token's scopes; deploy credentials need the Maintainer role.",
  NOT_FOUND: 'Check the ID or path; GitLab answers 404 for private projects your user cannot see.',
  NETWORK: 'Check --hostname (or GITLAB_HOST / CI_SERVER_URL), the network and --ca-file.',
  TIMEOUT: `GitLab did not answer in time; ${SAFE_TO_REPEAT}.`,
  RATE_LIMITED: 'GitLab rate-limited the token; wait a minute and run the command again.',
  GITLAB_SERVER: 'GitLab failed (5xx); run the command again later.',
  VALIDATION: 'Nothing was sent to GitLab. `--help` lists the flags with examples.',
  USAGE: 'Nothing was sent to GitLab. `--help` lists the flags with examples.',
};

/** A create whose answer was lost (core's CreateOutcomeError): what glkeys settled, and what is left to do. */
const OUTCOME_HINTS: Record<string, string> = {
  revoked: 'Nothing is left live in GitLab; run the command again.',
  none: 'Nothing was created in GitLab; run the command again.',
  unknown:
    '`glkeys token list` / `glkeys key list` show what is there: revoke the credential named above before running the command again.',
};

/** `bootstrap git`'s flags for each kind of git failure (core's GitCommandError.reason). */
const GIT_HINTS: Record<string, string> = {
  auth: 'Check --username/--password (HTTPS) or that the key of --private-key-file is registered with write access (SSH).',
  'host-key': "The server's SSH host key does not match the scanned known_hosts: check the host and port in --url.",
  tls: 'The TLS certificate was not trusted: pass the CA bundle with --ca-file.',
  'not-found': 'Check --url (a server may also answer this when the credential cannot see the repository).',
  unreachable: 'Check --url, the network and that the server is up, then run the command again.',
};

/** The codes the README documents: core's, plus the CLI's own. Anything else is reported as ERROR. */
const CODES: ReadonlySet<string> = new Set([...GLKEYS_ERROR_CODES, 'USAGE', 'INTERRUPTED']);

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  EEXIST: 'it already exists',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
};

/** A Node system error on a file (`ENOENT … open '/x'`) in words: what, where, and the code. */
export function fileErrorMessage(error: unknown, what?: string): string | undefined {
  const e = error as { code?: unknown; syscall?: unknown; path?: unknown } | null;
  if (!e || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code) || typeof e.path !== 'string') return undefined;
  const words = FILE_ERRORS[e.code] ?? 'a file system error';
  return `${what ?? `cannot ${typeof e.syscall === 'string' ? e.syscall : 'use'}`} ${shown(e.path)}: ${words} (${e.code})`;
}

export function reportError(error: unknown): ErrorReport {
  const report = rawReport(error);
  // The last guard: a message never carries a raw control character (a CR or NUL typed into a
  // value would forge or hide log lines). Line breaks glkeys itself puts between items stay.
  report.message = report.message
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n');
  if (report.field !== undefined) report.field = escapeControl(report.field);
  return report;
}

function rawReport(error: unknown): ErrorReport {
  const e = error as { code?: unknown; message?: unknown; field?: unknown; rule?: unknown; oclif?: { exit?: number } } | null;
  if (e && typeof e === 'object' && 'oclif' in e && e.oclif?.exit !== undefined && typeof e.code !== 'string') {
    // oclif's own parse errors (unknown flag, missing value): usage.
    return {
      code: 'USAGE',
      message: typeof e.message === 'string' ? e.message : 'invalid usage',
      exitCode: 2,
      retryable: false,
      hint: truthfulHint(HINTS.USAGE)!,
    };
  }
  if (isRawKubernetesError(error)) {
    // Core maps every Kubernetes failure; this only guards a call that escaped kubeCall.
    const status = (error as { code: number }).code;
    return {
      code: 'KUBERNETES',
      message: `Kubernetes API answered ${status}`,
      exitCode: exitCodeFor('KUBERNETES'),
      retryable: !isTerminal(Object.assign(new Error(), { code: 'KUBERNETES', status })),
      hint: kubernetesHint(status, undefined),
    };
  }
  const fileMessage = fileErrorMessage(error);
  if (fileMessage !== undefined) {
    return {
      code: 'ERROR',
      message: fileMessage,
      exitCode: 5,
      retryable: false,
      hint: 'Check the path and its permissions, then run the command again.',
    };
  }
  const code = typeof e?.code === 'string' && CODES.has(e.code) ? e.code : 'ERROR';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  const report: ErrorReport = {
    code,
    message,
    exitCode: code === 'ERROR' ? 5 : exitCodeFor(code),
    retryable: code !== 'USAGE' && !isTerminal(error),
  };
  const outcome = (error as { outcome?: unknown } | null)?.outcome;
  // A create whose answer was lost and whose result could not be settled: running it again
  // would add a second credential beside one nobody holds.
  if (outcome === 'unknown') report.retryable = false;
  const wait = retryAfterMs(error);
  if (wait !== undefined) report.retryAfterMs = wait;
  if (typeof e?.field === 'string') report.field = e.field;
  if (typeof e?.rule === 'string') report.rule = e.rule;
  const hint = truthfulHint(typeof outcome === 'string' ? OUTCOME_HINTS[outcome] : hintFor(code, error, wait));
  if (hint) report.hint = hint;
  return report;
}

/** What a failed command prints on stderr (without --json): the message, then what to do. */
export function errorLines(report: ErrorReport): string {
  return `Error: ${report.message}\n${report.hint ? `${report.hint}\n` : ''}`;
}

function hintFor(code: string, error: unknown, wait: number | undefined): string | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  const reason = (error as { reason?: unknown } | null)?.reason;
  switch (code) {
    case 'KUBERNETES':
      return kubernetesHint(typeof status === 'number' ? status : undefined, typeof reason === 'string' ? reason : undefined, wait);
    case 'CONFLICT':
      // Kubernetes' 409 is a race; core's other conflicts (an ambiguous name) say what to pass.
      return status === 409 ? `The Secret changed while glkeys wrote it; ${SAFE_TO_REPEAT}: it reads the Secret afresh.` : undefined;
    case 'GIT':
      // Core says what failed in its own words; the CLI names the flags that fix it.
      return GIT_HINTS[String((error as { reason?: unknown } | null)?.reason)];
    case 'LIFECYCLE':
      return (error as { name?: unknown } | null)?.name === 'ForeignStateError'
        ? 'Nothing was sent to GitLab. `--take-over` replaces that Secret and revokes the glkeys credentials of its previous owner; or choose another --secret.'
        : undefined;
    case 'RATE_LIMITED':
      return wait === undefined
        ? HINTS.RATE_LIMITED
        : `GitLab rate-limited the token and asked to wait ${seconds(wait)}; run the command again after that.`;
    case 'ERROR':
      // Not one of glkeys' errors: a bug, which may be transient; the README says exit 5 is safe to re-run.
      return `An unexpected failure; ${SAFE_TO_REPEAT}, and report it if it persists.`;
    default:
      return HINTS[code];
  }
}

function kubernetesHint(status: number | undefined, reason: string | undefined, wait?: number): string {
  if (status === 401)
    return "The apiserver refused the kubeconfig's credentials: check --kubeconfig/--context (an expired token or certificate?).";
  if (status === 403) return 'Check --kubeconfig/--context and that your identity may read and write Secrets in the namespace (RBAC).';
  if (status === 400 || status === 422)
    return 'The apiserver refused the object glkeys sent (the fields are named above); running the command again will not help.';
  if (status === undefined) {
    return reason === 'Timeout' || reason === 'Unreachable'
      ? `The apiserver did not answer: check --kubeconfig/--context and the network, then ${SAFE_TO_REPEAT}.`
      : `The Kubernetes client failed: check --kubeconfig/--context, then ${SAFE_TO_REPEAT}.`;
  }
  if (status === 429 || status >= 500)
    return `The apiserver is busy or failing${wait === undefined ? '' : ` and asked to wait ${seconds(wait)}`}; ${SAFE_TO_REPEAT}.`;
  return 'Check --kubeconfig/--context and --namespace.';
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1000))} s`;
}

function isRawKubernetesError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === 'ApiException' && typeof (error as { code?: unknown }).code === 'number';
}
