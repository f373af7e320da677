/**
 * The GitLab host and token, from flags and environment, and a core client built from them.
 * The token is read from GITLAB_TOKEN, a no-echo prompt on a terminal, or one line of piped
 * stdin (Flux's three ways). It is never a flag: flags end up in shell history.
 */
import { readUserFile } from './files.js';
import { countCalls } from './gitlab-calls.js';
import type { GitlabApi, RetryEvent } from '@glkeys/core/read';

export function resolveHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env['GITLAB_HOST'] ?? env['CI_SERVER_URL'] ?? 'gitlab.com';
}

export async function readToken(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const fromEnv = env['GITLAB_TOKEN'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (process.stdin.isTTY) return promptHidden('GitLab token: ');
  return readOneLine();
}

export interface ClientFlags {
  hostname?: string | undefined;
  'ca-file'?: string | undefined;
}

export interface Connection {
  host: string;
  token: string;
  caCert: string | undefined;
}

/** Validates the host first (no token prompt for a typo), then reads the CA file and the token. */
export async function connection(flags: ClientFlags): Promise<Connection> {
  const { normalizeHost } = await import('@glkeys/core/read');
  const host = normalizeHost(resolveHost(flags.hostname), 'hostname');
  const caCert = flags['ca-file'] ? await readUserFile(flags['ca-file'], '--ca-file') : undefined;
  return { host, caCert, token: await readToken() };
}

export const TIMEOUT_MS = 30_000;

/**
 * On a terminal, a wait is said as it starts ("GitLab asked to wait 12 s"), so a rate-limited
 * command is not silent for half a minute. Not in pipes and CI logs, whose output stays as it was.
 */
export function retryNotice(stream: NodeJS.WriteStream = process.stderr): { onRetry?: (event: RetryEvent) => void } {
  if (stream.isTTY !== true) return {};
  return {
    onRetry: (event) => {
      const where = `${event.request.method} ${event.request.path}`;
      const wait = `${Math.max(1, Math.round(event.delayMs / 1000))} s`;
      stream.write(
        event.askedMs === undefined
          ? `GitLab: ${event.reason} on ${where}; retrying in ${wait} (retry ${event.attempt}).\n`
          : `GitLab asked to wait ${Math.max(1, Math.round(event.askedMs / 1000))} s (${event.reason} on ${where}); retrying then (retry ${event.attempt}).\n`,
      );
    },
  };
}

/** The lean reader (no gitbeaker, no ky) for read-only commands: same timeout and retries. */
export async function gitlabReader(flags: ClientFlags): Promise<GitlabApi> {
  const { host, token, caCert } = await connection(flags);
  const { createGitlabReader } = await import('@glkeys/core/read');
  return createGitlabReader({ host, token, timeoutMs: TIMEOUT_MS, ...retryNotice(), ...countCalls(), ...(caCert ? { ca: caCert } : {}) });
}

async function readOneLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (Buffer.concat(chunks).includes(10)) break;
  }
  process.stdin.destroy();
  const text = Buffer.concat(chunks).toString('utf8');
  return (text.split(/\r?\n/)[0] ?? '').trim();
}

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value.trim());
    };
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new Error('cancelled'));
        if (char === '\u007f' || char === '\b') value = value.slice(0, -1);
        else value += char;
      }
      return undefined;
    };
    stdin.on('data', onData);
  });
}
