/**
 * scanHostKeys: the server's host keys for known_hosts. Trust on first use: the caller should
 * show the fingerprints, since nothing here can tell a genuine server from an impostor.
 */
import { ValidationError } from '../errors.js';
import { HOST_KEY_ALGORITHMS, sortHostKeys } from './host-key.js';
import { scanAlgorithm } from './scan-handshake.js';
import { HostKeyScanError } from './scan-error.js';
import { keyscan } from './scan-keyscan.js';
import { checkHost, checkPort } from './ssh-host.js';
import type { HostKeyAlgorithm, KnownHostKey, ScanHostKeysOptions } from './types.js';

const MAX_TIMEOUT_MS = 600_000;

export async function scanHostKeys(opts: ScanHostKeysOptions): Promise<KnownHostKey[]> {
  const host = checkHost(opts.host);
  const port = checkPort(opts.port ?? 22);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) {
    throw new ValidationError('timeoutMs', 'range', `timeoutMs: must be an integer from 1 to ${MAX_TIMEOUT_MS}`);
  }
  const algorithms = opts.algorithms ?? [...HOST_KEY_ALGORITHMS];
  if (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => !HOST_KEY_ALGORITHMS.includes(a))) {
    throw new ValidationError('algorithms', 'one-of', `algorithms: a non-empty list of ${HOST_KEY_ALGORITHMS.join(', ')}`);
  }
  const method = opts.method ?? 'handshake';
  if (method !== 'handshake' && method !== 'ssh-keyscan') {
    throw new ValidationError('method', 'one-of', 'method: must be "handshake" or "ssh-keyscan"');
  }
  const deadline = Date.now() + timeoutMs;
  if (method === 'ssh-keyscan') return sortHostKeys(await keyscan(host, port, algorithms, deadline));

  const unique = [...new Set<HostKeyAlgorithm>(algorithms)];
  const results = await Promise.all(unique.map((a) => scanAlgorithm(host, port, a, deadline)));
  // Any unreachable attempt fails the scan: a partial known_hosts could pin Flux to fewer key types.
  const failed = results.find((r) => r.kind === 'network' || r.kind === 'timeout');
  if (failed?.kind === 'timeout') throw new HostKeyScanError('TIMEOUT', host, port, 'no answer before the deadline');
  if (failed?.kind === 'network') throw new HostKeyScanError('NETWORK', host, port, failed.reason);
  const keys = results.flatMap((r) => (r.kind === 'key' ? [r.key] : []));
  if (keys.length === 0) {
    throw new HostKeyScanError('NETWORK', host, port, `the server offers none of ${unique.join(', ')}`);
  }
  return sortHostKeys(keys);
}
