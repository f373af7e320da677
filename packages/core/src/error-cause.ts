/**
 * What may travel as the cause of a glkeys error: the failure's kind and system code only. A
 * client's own error can carry request headers (a token) or an answer's body (a Secret), so it
 * is never kept as it is.
 */

/** The first system error code (`ECONNRESET`, `ETIMEDOUT`, …) along the cause chain. */
export function systemErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,40}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A stand-in for `error` that keeps its name and system code, nothing else. */
export function sanitizedCause(error: unknown): Error {
  const code = systemErrorCode(error);
  const name = error instanceof Error ? error.name : 'Error';
  const clean = new Error(`${name}${code ? ` ${code}` : ''}`);
  if (code) (clean as Error & { code?: string }).code = code;
  return clean;
}
