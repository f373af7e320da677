/**
 * Ctrl-C and SIGTERM for long commands. Core installs no signal handler (an operator that
 * embeds it has its own shutdown), so a command whose work must be cleaned up (git with a
 * decrypted key in a temp folder) opts in here: the signal aborts core's work, core stops git
 * and removes its files, and the command fails with INTERRUPTED (exit 130) and core's account
 * of what was and was not done. The handlers live only for the duration of `work`.
 */
import { reportError } from './errors.js';

export class InterruptedError extends Error {
  readonly code = 'INTERRUPTED';

  constructor(
    readonly signal: NodeJS.Signals,
    message: string,
  ) {
    super(message);
  }
}

export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let received: NodeJS.Signals | undefined;
  // A repeated signal only aborts again (a no-op): cleanup is a kill and a folder removal, and
  // dying halfway through it could leave the decrypted key on disk.
  const onSignal = (signal: NodeJS.Signals) => {
    received ??= signal;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    // Work that finished despite a signal (nothing left to stop) stands as done.
    return await work(controller.signal);
  } catch (error) {
    if (received === undefined) throw error;
    // reportError keeps only what may be printed (e.g. a Kubernetes error's status, not its body).
    throw new InterruptedError(received, `Interrupted by ${received}. ${reportError(error).message}`);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
