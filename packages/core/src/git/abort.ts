/**
 * Cancellation of git work by an AbortSignal. Core installs no signal handler (a process that
 * embeds it has its own shutdown); the caller aborts, and the error says what was and was not
 * done, because a push stopped halfway may still have reached the server.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { GitCommandError } from './exec.js';

/** What was under way when the work was aborted. */
export interface GitProgress {
  /** The git subcommand last started (or about to be). */
  operation: string;
  /** True once a `git push` was started: from then on the remote may hold the commit. */
  pushStarted: boolean;
}

/** The error for work stopped by `signal`; the temp folder is removed before it is thrown. */
export function pushAborted(url: string, branch: string, progress: GitProgress): GitCommandError {
  const done = progress.pushStarted
    ? `the push to ${branch} was under way and may have reached the server: run the command again to make sure (a branch that already holds these files gets no new commit)`
    : `nothing was pushed to ${url}`;
  return new GitCommandError(
    progress.operation,
    'aborted',
    `git ${progress.operation} stopped (aborted): ${done}. The temporary checkout and its credential files were removed.`,
  );
}

/**
 * The wait between retries, cut short by an abort (so no retry starts after it). The default
 * timer is cleared on abort; an injected wait (tests) is raced against the signal.
 */
export function abortableWait(
  signal: AbortSignal | undefined,
  wait?: (ms: number) => Promise<unknown>,
): ((ms: number) => Promise<unknown>) | undefined {
  if (!signal) return wait;
  if (!wait) return (ms) => sleep(ms, undefined, { signal });
  return (ms) =>
    new Promise((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      wait(ms)
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
}
