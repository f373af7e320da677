import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Managed {
  name: string;
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Settles when the process has exited, with its code or signal. */
  exited: Promise<string>;
}

/**
 * Starts a server process in its own process group (so a terminal's Ctrl-C reaches only
 * our process, which then stops the servers in order) with output to a log file, and
 * records its pid in `pidsFile` for the reaper. The child is unref'd: a forgotten env must
 * not keep the test process alive; the exit handler and the reaper stop it instead.
 */
export function spawnServer(opts: {
  name: string;
  binary: string;
  args: string[];
  logDir: string;
  pidsFile: string;
  verbose: boolean;
}): Managed {
  const logFile = path.join(opts.logDir, `${opts.name}.log`);
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(opts.binary, opts.args, {
      detached: true,
      stdio: opts.verbose ? ['ignore', 'inherit', 'inherit'] : ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  child.unref();
  const exited = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) => resolve(signal ? `signal ${signal}` : `exit code ${code}`));
    child.once('error', (err) => resolve(`spawn error: ${err.message}`));
  });
  if (child.pid === undefined) {
    return { name: opts.name, child, pid: -1, logFile, exited };
  }
  appendFileSync(opts.pidsFile, `${child.pid} ${opts.binary}\n`);
  return { name: opts.name, child, pid: child.pid, logFile, exited };
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function stopServer(proc: Managed, graceMs: number): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null || proc.pid < 0) return;
  proc.child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(true), graceMs);
  });
  const killed = await Promise.race([proc.exited.then(() => false), timedOut]);
  clearTimeout(timer);
  if (killed) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

/** Last lines of a server's log, for error messages that say why start-up failed. */
export async function logTail(proc: Managed, lines = 25): Promise<string> {
  try {
    const text = await readFile(proc.logFile, 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log: verbose mode streams it to this process instead)';
  }
}
