import { connect } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';

/** Retries `check` until it stops throwing or `timeoutMs` passes; RBAC caches and watches are eventually consistent. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** True while `pid` runs; a zombie (dead, not yet reaped by whoever adopted it) counts as gone. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asserts nothing of an env is left: processes, listening port, data dir. */
export async function expectGone(env: { pids: Record<string, number | undefined>; url: string; dataDir: string }): Promise<void> {
  for (const [name, pid] of Object.entries(env.pids)) {
    if (pid !== undefined && processAlive(pid)) throw new Error(`${name} (pid ${pid}) still runs`);
  }
  if (await portOpen(Number(new URL(env.url).port))) throw new Error(`${env.url} still accepts connections`);
  if (existsSync(env.dataDir)) throw new Error(`${env.dataDir} still exists`);
}

/** HTTP status carried by a @kubernetes/client-node ApiException. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** The Kubernetes Status object an ApiException carries (client-node keeps it as a JSON string). */
export function kubeStatus(err: unknown): { code?: number; reason?: string; message?: string } {
  const body = (err as { body?: unknown }).body;
  if (typeof body === 'string') return JSON.parse(body) as { code?: number; reason?: string; message?: string };
  return body ?? {};
}
