/**
 * A throwaway OpenSSH server (Debian openssh-server's sshd) running as the current user, with a
 * fresh host key and one authorized key, so `git push` over SSH meets a real server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestSshd {
  port: number;
  /** The ssh:// URL of a bare repository `<name>.git` under the server's temp folder. */
  url(name: string): string;
  /** Path of the bare repository `<name>.git` (HEAD → main). */
  createRepo(name: string): string;
  /** Host public keys as `type base64`. */
  hostKeys: string[];
  close(): Promise<void>;
}

export const SSHD = ['/usr/sbin/sshd', '/usr/bin/sshd'].find((p) => existsSync(p));

export async function startSshd(authorizedKey: string): Promise<TestSshd> {
  if (!SSHD) throw new Error('sshd not found: install Debian openssh-server (scripts/ensure-tools.sh does)');
  // As root, sshd insists on its privilege separation directory (the Debian service makes it at boot).
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'glkeys-sshd-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), `${authorizedKey.trim()}\n`);
  writeFileSync(
    join(dir, 'sshd_config'),
    [
      `HostKey ${join(dir, 'host_ed25519')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'ListenAddress 127.0.0.1',
      'StrictModes no',
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PidFile none',
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config'), '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  await listening(child);
  const user = userInfo().username;
  return {
    port,
    url: (name) => `ssh://${user}@127.0.0.1:${port}${join(dir, `${name}.git`)}`,
    createRepo(name) {
      const repo = join(dir, `${name}.git`);
      execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', repo]);
      return repo;
    },
    hostKeys: [readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ')],
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let said = '';
    const timer = setTimeout(() => reject(new Error(`sshd did not start: ${said}`)), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      said += chunk.toString('utf8');
      if (said.includes('Server listening')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sshd exited with ${code}: ${said}`));
    });
  });
}

/** A port nobody listens on right now (sshd cannot be told to pick one itself). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
