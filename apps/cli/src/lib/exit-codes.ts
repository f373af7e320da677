/**
 * Exit codes, stable and documented in the README:
 * 0 ok, 2 usage or validation (nothing was written to GitLab; the hint says whether it was read), 3 auth (401/403, missing scope
 * or role), 4 not found, 5 GitLab, network or Kubernetes failure, 130 interrupted (SIGINT or
 * SIGTERM, as shells report Ctrl-C) by a command that stops its work cleanly (lib/interrupt.ts).
 */
export const EXIT_CODES = { ok: 0, usage: 2, auth: 3, notFound: 4, failure: 5, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];

/** Maps a GlkeysError `code` (or an oclif parse error) to an exit code. */
export function exitCodeFor(code: string | undefined): ExitCode {
  switch (code) {
    case 'VALIDATION':
    case 'USAGE':
      return EXIT_CODES.usage;
    case 'UNAUTHORIZED':
    case 'FORBIDDEN':
      return EXIT_CODES.auth;
    case 'NOT_FOUND':
      return EXIT_CODES.notFound;
    case 'INTERRUPTED':
      return EXIT_CODES.interrupted;
    // Any Kubernetes failure, 401/403 included: exit 3 means GitLab's token or role, whose
    // fix differs (the hint and `retryable` in --json say whether re-running can help).
    case 'KUBERNETES':
      return EXIT_CODES.failure;
    default:
      return EXIT_CODES.failure;
  }
}
