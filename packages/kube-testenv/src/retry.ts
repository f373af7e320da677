/**
 * Calls to the local apiserver get a per-attempt timeout and a few retries on transient
 * failures (no answer, 429, 5xx), so a busy 2-core CI box does not fail a test set-up.
 */
export async function withRetry<T>(what: string, fn: () => Promise<T>, attempts = 4, timeoutMs = 15_000): Promise<T> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`kube-testenv: ${what} timed out after ${timeoutMs} ms`)), timeoutMs);
      });
      return await Promise.race([fn(), timeout]);
    } catch (err) {
      lastError = err;
      if (!isTransient(err) || attempt === attempts) throw err;
      await new Promise((r) => setTimeout(r, 200 * 2 ** (attempt - 1)));
    } finally {
      clearTimeout(timer);
    }
  }
  throw lastError;
}

/** HTTP status of a @kubernetes/client-node ApiException, if the error is one. */
export function httpStatus(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

function isTransient(err: unknown): boolean {
  const status = httpStatus(err);
  if (status === undefined) return true; // no HTTP answer at all: connection reset, timeout
  return status === 429 || status >= 500;
}
