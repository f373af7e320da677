/**
 * Turns any failure into one message that says what to do next, plus an exit code and a
 * stable JSON shape. Core errors never hold secrets; Kubernetes client errors may echo
 * request bodies (a Secret!), so only their status and reason are kept.
 */
import { exitCodeFor, type ExitCode } from './exit-codes.js';

export interface ErrorReport {
  code: string;
  message: string;
  exitCode: ExitCode;
  field?: string;
  rule?: string;
  hint?: string;
}

const HINTS: Record<string, string> = {
  UNAUTHORIZED: 'Set GITLAB_TOKEN to a valid, unexpired token; `glkeys auth status` shows what a token can do.',
  FORBIDDEN: 'Run `glkeys auth status` to see the token\'s scopes; deploy credentials need the Maintainer role.',
  NOT_FOUND: 'Check the ID or path; GitLab answers 404 for private projects your user cannot see.',
  NETWORK: 'Check --hostname (or GITLAB_HOST / CI_SERVER_URL), the network and --ca-file.',
  TIMEOUT: 'GitLab did not answer in time; run the command again (it is safe to repeat).',
  RATE_LIMITED: 'GitLab rate-limited the token; wait a minute and run the command again.',
  GITLAB_SERVER: 'GitLab failed (5xx); run the command again later.',
  VALIDATION: 'Nothing was sent to GitLab. `--help` lists the flags with examples.',
  USAGE: 'Nothing was sent to GitLab. `--help` lists the flags with examples.',
};

export function reportError(error: unknown): ErrorReport {
  const e = error as { code?: unknown; message?: unknown; field?: unknown; rule?: unknown; oclif?: { exit?: number } } | null;
  if (e && typeof e === 'object' && 'oclif' in e && e.oclif?.exit !== undefined && typeof e.code !== 'string') {
    // oclif's own parse errors (unknown flag, missing value): usage.
    return { code: 'USAGE', message: String(e.message ?? 'invalid usage'), exitCode: 2, hint: HINTS.USAGE! };
  }
  if (isKubernetesError(error)) {
    const status = (error as { code: number }).code;
    const reason = kubernetesReason(error);
    return {
      code: 'KUBERNETES',
      message: `Kubernetes API answered ${status}${reason ? `: ${reason}` : ''}`,
      exitCode: 5,
      hint: status === 401 || status === 403 ? 'Check --kubeconfig/--context and that your identity may write Secrets in the namespace.' : 'Check --kubeconfig/--context.',
    };
  }
  const code = typeof e?.code === 'string' && /^[A-Z_]+$/.test(e.code) ? e.code : 'ERROR';
  const message = typeof e?.message === 'string' && e.message !== '' ? e.message : String(error);
  const report: ErrorReport = { code, message, exitCode: code === 'ERROR' ? 5 : exitCodeFor(code) };
  if (typeof e?.field === 'string') report.field = e.field;
  if (typeof e?.rule === 'string') report.rule = e.rule;
  const hint = HINTS[code];
  if (hint) report.hint = hint;
  return report;
}

/** What a failed command prints on stderr (without --json): the message, then what to do. */
export function errorLines(report: ErrorReport): string {
  return `Error: ${report.message}\n${report.hint ? `${report.hint}\n` : ''}`;
}

function isKubernetesError(error: unknown): boolean {
  return error instanceof Error && error.constructor.name === 'ApiException' && typeof (error as { code?: unknown }).code === 'number';
}

function kubernetesReason(error: unknown): string | undefined {
  const body = (error as { body?: unknown }).body;
  try {
    const parsed = typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string } | undefined);
    return parsed?.message?.slice(0, 300);
  } catch {
    return undefined;
  }
}
