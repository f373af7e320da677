/**
 * The Git remote of `bootstrap git`: its URL, checked before any network call, and the
 * credential handed to git without ever reaching argv, the URL or a log: SSH through
 * GIT_SSH_COMMAND with a 0600 key file and a known_hosts file of the scanned host keys,
 * HTTPS through a GIT_ASKPASS script that reads the environment.
 */
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { checkHost, checkPort } from '../ssh/ssh-host.js';
import { shown } from '../shown.js';

export interface GitRemote {
  transport: 'ssh' | 'https';
  host: string;
  port: number;
  url: string;
}

export type GitAuth =
  { kind: 'ssh'; privateKey: string; knownHosts: string } | { kind: 'https'; username: string; password: string; caCert?: string };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * `ssh://[user@]host[:port]/path` or `https://host[:port]/path`; no credentials in it. http://
 * only to this machine (a test server) unless `allowInsecureHttp`, as the password would
 * otherwise cross the network in clear.
 */
export function parseGitRemoteUrl(text: string, field = 'url', options: { allowInsecureHttp?: boolean } = {}): GitRemote {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Never echo the input: a URL that fails to parse may still hold user:password@.
    throw new ValidationError(field, 'ssh:// or https:// URL', `${field}: not a URL; use ssh://git@host[:port]/path or https://host/path`);
  }
  const path = url.pathname.replace(/^\/+/, '');
  if (url.protocol === 'ssh:') {
    if (url.password)
      throw new ValidationError(field, 'no password in URL', `${field}: must not contain a password; give the private key instead`);
    if (!path) throw new ValidationError(field, 'repository path', `${field}: name the repository, e.g. ssh://git@host/group/repo.git`);
    if (url.search || url.hash)
      throw new ValidationError(field, 'no query or fragment', `${field}: must not have a query (?) or fragment (#)`);
    const host = checkHost(url.hostname, field);
    return { transport: 'ssh', host, port: url.port ? checkPort(url.port, field) : 22, url: text };
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') {
    if (url.username || url.password)
      throw new ValidationError(field, 'no credentials in URL', `${field}: give the username and password separately, not in the URL`);
    if (!path) throw new ValidationError(field, 'repository path', `${field}: name the repository, e.g. https://host/group/repo.git`);
    if (url.search || url.hash)
      throw new ValidationError(field, 'no query or fragment', `${field}: must not have a query (?) or fragment (#)`);
    if (url.protocol === 'http:' && !options.allowInsecureHttp && !LOOPBACK.has(url.hostname)) {
      throw new ValidationError(
        field,
        'https',
        `${field}: http:// would send the password in clear; use https:// (or allow insecure HTTP explicitly)`,
      );
    }
    const host = checkHost(url.hostname, field);
    return { transport: 'https', host, port: url.port ? checkPort(url.port, field) : url.protocol === 'https:' ? 443 : 80, url: text };
  }
  throw new ValidationError(field, 'ssh:// or https:// URL', `${field}: scheme ${url.protocol} is not ssh:// or https://`);
}

/** What git needs to authenticate: environment, `-c` config, and the values to redact. */
export interface GitAuthSetup {
  env: Record<string, string>;
  config: string[];
  secrets: string[];
}

const ASKPASS = `#!/bin/sh
# git asks "Username for ..." then "Password for ..."; both come from the environment.
case "$1" in
  Username*) printf '%s\\n' "$GLKEYS_GIT_USERNAME" ;;
  *) printf '%s\\n' "$GLKEYS_GIT_PASSWORD" ;;
esac
`;

/** Writes the credential files into `dir` (a private temp directory the caller removes). */
export async function prepareGitAuth(auth: GitAuth, dir: string): Promise<GitAuthSetup> {
  if (auth.kind === 'ssh') {
    const keyFile = join(dir, 'identity');
    const knownHostsFile = join(dir, 'known_hosts');
    await writeFile(keyFile, auth.privateKey.endsWith('\n') ? auth.privateKey : `${auth.privateKey}\n`, { mode: 0o600 });
    await writeFile(knownHostsFile, auth.knownHosts, { mode: 0o600 });
    return { env: { GIT_SSH_COMMAND: sshCommand(keyFile, knownHostsFile) }, config: [], secrets: [auth.privateKey] };
  }
  const askpass = join(dir, 'askpass.sh');
  await writeFile(askpass, ASKPASS, { mode: 0o700 });
  await chmod(askpass, 0o700);
  const config = [];
  if (auth.caCert) {
    const caFile = join(dir, 'ca.crt');
    await writeFile(caFile, auth.caCert, { mode: 0o600 });
    config.push(`http.sslCAInfo=${caFile}`);
  }
  return {
    env: { GIT_ASKPASS: askpass, GLKEYS_GIT_USERNAME: auth.username, GLKEYS_GIT_PASSWORD: auth.password },
    config,
    secrets: [auth.password],
  };
}

/**
 * ssh with only this key and only these host keys; BatchMode so nothing ever prompts.
 * git appends `-p <port>` from the ssh:// URL itself, which the `[host]:port` known_hosts entry matches.
 */
export function sshCommand(keyFile: string, knownHostsFile: string): string {
  return [
    'ssh',
    '-i',
    shellQuote(keyFile),
    '-o',
    'IdentitiesOnly=yes',
    // ssh splits this option's value on spaces unless it is double-quoted.
    '-o',
    shellQuote(`UserKnownHostsFile=${shown(knownHostsFile)}`),
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentityAgent=none',
    '-F',
    '/dev/null',
  ].join(' ');
}

/** git runs GIT_SSH_COMMAND through the shell. */
function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
