/**
 * Host keys through a real SSH handshake (ssh2's client): one connection per host key algorithm,
 * since a server shows only the key it negotiated. The key is recorded only once the handshake
 * completes, i.e. after the server proved it holds the private half by signing the exchange hash.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { toKnownHostKey } from './host-key.js';
import type { HostKeyAlgorithm, KnownHostKey } from './types.js';

export type AttemptResult =
  { kind: 'key'; key: KnownHostKey } | { kind: 'unsupported' } | { kind: 'network'; reason: string; retry: boolean } | { kind: 'timeout' };

const RETRYABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const MAX_ATTEMPTS = 3;

/** Scans one algorithm with up to 2 retries on connection errors, never past `deadline` (ms since epoch). */
export async function scanAlgorithm(host: string, port: number, algorithm: HostKeyAlgorithm, deadline: number): Promise<AttemptResult> {
  let result: AttemptResult = { kind: 'timeout' };
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return { kind: 'timeout' };
    result = await connectOnce(host, port, algorithm, remaining);
    if (result.kind !== 'network' || !result.retry) return result;
    // Capped exponential backoff with jitter, only when it still fits before the deadline.
    const backoff = Math.min(2000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2);
    if (Date.now() + backoff >= deadline) return result;
    await sleep(backoff);
  }
  return result;
}

async function connectOnce(host: string, port: number, algorithm: HostKeyAlgorithm, timeoutMs: number): Promise<AttemptResult> {
  // Loaded lazily: the CLI's cold start should not pay for ssh2 unless it scans.
  const { default: ssh2 } = await import('ssh2');
  const client = new ssh2.Client();
  let captured: Buffer | undefined;
  return new Promise<AttemptResult>((resolve) => {
    let done = false;
    const finish = (result: AttemptResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      client.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), timeoutMs);
    client.on('handshake', () => {
      const key = captured && toKnownHostKey(captured);
      finish(key ? { kind: 'key', key } : { kind: 'network', reason: 'the server sent an unusable host key', retry: false });
    });
    client.on('error', (err: Error & { code?: string; level?: string }) => {
      if (/no matching host key format/i.test(err.message)) return finish({ kind: 'unsupported' });
      if (err.level === 'client-timeout') return finish({ kind: 'timeout' });
      const code = err.code ?? '';
      finish({ kind: 'network', reason: code || err.message, retry: RETRYABLE.has(code) });
    });
    client.on('close', () => finish({ kind: 'network', reason: 'the connection closed before the handshake', retry: true }));
    client.connect({
      host,
      port,
      username: 'glkeys-host-key-scan',
      readyTimeout: timeoutMs,
      tryKeyboard: false,
      algorithms: { serverHostKey: [algorithm] },
      hostVerifier: (key: Buffer) => {
        captured = Buffer.from(key);
        return true;
      },
    });
  });
}
