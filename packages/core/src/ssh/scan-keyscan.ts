/**
 * Host keys through OpenSSH's `ssh-keyscan`, for hosts where an in-process client is unwanted.
 * ssh-keyscan offers all ECDSA curves in one connection, so it returns at most one ECDSA key.
 */
import { execFile } from 'node:child_process';
import { ValidationError } from '../errors.js';
import { blobTypeOf, toKnownHostKey } from './host-key.js';
import { HostKeyScanError } from './scan-error.js';
import type { HostKeyAlgorithm, KnownHostKey } from './types.js';

const KEYSCAN_TYPE: Record<HostKeyAlgorithm, string> = {
  'ssh-ed25519': 'ed25519',
  'ecdsa-sha2-nistp256': 'ecdsa',
  'ecdsa-sha2-nistp384': 'ecdsa',
  'ecdsa-sha2-nistp521': 'ecdsa',
  'rsa-sha2-512': 'rsa',
};

export async function keyscan(
  host: string,
  port: number,
  algorithms: readonly HostKeyAlgorithm[],
  deadline: number,
): Promise<KnownHostKey[]> {
  const types = [...new Set(algorithms.map((a) => KEYSCAN_TYPE[a]))].join(',');
  const wanted = new Set<string>(algorithms.map(blobTypeOf));
  // One retry: ssh-keyscan has none of its own, and a refused connection can be a restarting sshd.
  for (let attempt = 0; ; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw new HostKeyScanError('TIMEOUT', host, port, 'no answer before the deadline');
    const { stdout, failure } = await run(host, port, types, remaining);
    const keys = stdout
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'))
      .map((line) => line.split(' ')[2])
      .map((b64) => (b64 && /^[A-Za-z0-9+/]+={0,2}$/.test(b64) ? toKnownHostKey(Buffer.from(b64, 'base64')) : undefined))
      .filter((k): k is KnownHostKey => k !== undefined && wanted.has(k.type));
    if (keys.length > 0) return keys;
    if (failure === 'timeout' || attempt >= 1) {
      throw new HostKeyScanError(
        failure === 'timeout' ? 'TIMEOUT' : 'NETWORK',
        host,
        port,
        failure === 'timeout'
          ? 'no answer before the deadline'
          : 'ssh-keyscan read no host key (connection refused, no SSH server, or none of the key types)',
      );
    }
  }
}

function run(host: string, port: number, types: string, timeoutMs: number): Promise<{ stdout: string; failure?: 'timeout' | 'exit' }> {
  // -T is whole seconds; our own kill timer keeps the millisecond deadline.
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  const args = ['-T', seconds, '-p', String(port), '-t', types, '--', host];
  return new Promise((resolve, reject) => {
    execFile('ssh-keyscan', args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (err, stdout) => {
      if (!err) return resolve({ stdout });
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT') {
        return reject(new ValidationError('method', 'available', 'method: ssh-keyscan is not installed here; use method "handshake"'));
      }
      resolve({ stdout, failure: e.killed ? 'timeout' : 'exit' });
    });
  });
}
