/**
 * Runs the real built binary (`node bin/run.js`) as a child process, asynchronously so the
 * in-process simulator and SSH server keep answering. Every output is recorded so a test
 * can prove no secret leaked into it.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const CLI_DIR = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = fileURLToPath(new URL('../../bin/run.js', import.meta.url));

export interface CliRun {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  /** This output holds a secret because the test asked for it (e.g. token create without --output-file). */
  requested: boolean;
  json<T = Record<string, unknown>>(): T;
}

export const recorded: CliRun[] = [];

export interface RunOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  requested?: boolean;
  cwd?: string;
  bin?: string;
  /** Gets the running child, e.g. to send it a signal. */
  started?: (child: ChildProcess) => void;
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v;
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [options.bin ?? BIN, ...args],
      { env, cwd: options.cwd ?? CLI_DIR, timeout: 90_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        const run: CliRun = {
          args,
          code,
          stdout,
          stderr,
          requested: options.requested === true,
          json<T>() {
            return JSON.parse(stdout) as T;
          },
        };
        recorded.push(run);
        resolve(run);
      },
    );
    options.started?.(child);
    if (options.input !== undefined) child.stdin?.end(options.input);
    else child.stdin?.end();
  });
}

/** Fails with every output that contains one of `secrets`, unless it was requested. */
export function leaksOf(secrets: string[]): string[] {
  const found: string[] = [];
  for (const run of recorded) {
    if (run.requested) continue;
    for (const secret of secrets) {
      if (secret.length < 8) continue;
      for (const [stream, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ] as const) {
        if (text.includes(secret)) found.push(`glkeys ${run.args.join(' ')} printed a secret on ${stream}`);
      }
    }
    for (const [stream, text] of [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
    ] as const) {
      if (/PRIVATE KEY-----/.test(text) && !run.args.includes('--export'))
        found.push(`glkeys ${run.args.join(' ')} printed a private key on ${stream}`);
    }
  }
  return found;
}
