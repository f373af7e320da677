import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { start, type KubeTestEnv } from '../src/index.js';
import { eventually, expectGone, portOpen, processAlive } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** Spawns node with args in the package dir and resolves the first stdout line as JSON. */
async function spawnAndReadLine(args: string[]): Promise<{ child: ChildProcess; line: Record<string, unknown> }> {
  const child = spawn(process.execPath, args, { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before reporting:\n${stderr}`)));
  });
  return { child, line: JSON.parse(first) as Record<string, unknown> };
}

describe('start() and stop()', () => {
  it('runs two instances side by side, isolated from each other, and stop() leaves nothing behind', async () => {
    const [a, b]: [KubeTestEnv, KubeTestEnv] = await Promise.all([start(), start()]);
    try {
      expect(a.url).not.toBe(b.url);
      expect(a.dataDir).not.toBe(b.dataDir);
      await a.kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: 'only-in-a' } } });
      const inA = await a.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
      const inB = await b.kubeConfig.makeApiClient(CoreV1Api).listNamespace();
      expect(inA.items.map((n) => n.metadata?.name)).toContain('only-in-a');
      expect(inB.items.map((n) => n.metadata?.name)).not.toContain('only-in-a');

      // The kubeconfig file works on its own, as kubectl or a child process would use it.
      const fromFile = new KubeConfig();
      fromFile.loadFromFile(b.kubeconfigPath);
      expect((await fromFile.makeApiClient(CoreV1Api).readNamespace({ name: 'default' })).metadata?.name).toBe('default');
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    await expectGone(a);
    await expectGone(b);
    await a.stop(); // a second stop is a no-op
  });

  it('keeps the data dir when asked, and still stops the processes', async () => {
    const env = await start({ keepDataDir: true });
    await env.stop();
    try {
      expect(existsSync(`${env.dataDir}/logs`)).toBe(true);
      expect(processAlive(env.pids.etcd)).toBe(false);
      expect(processAlive(env.pids.kubeApiserver)).toBe(false);
    } finally {
      const { rm } = await import('node:fs/promises');
      await rm(env.dataDir, { recursive: true, force: true });
    }
  });

  it('rejects a bad startTimeoutMs naming the option, before starting anything', async () => {
    await expect(start({ startTimeoutMs: -5 })).rejects.toThrow(/startTimeoutMs must be a positive number/);
  });
});

describe('cleanup when the owning process dies', () => {
  it('kills etcd and kube-apiserver and removes the data dir after the owner is SIGKILLed', async () => {
    const { child, line } = await spawnAndReadLine(['test/fixtures/start-then-idle.mjs']);
    const env = line as unknown as { url: string; dataDir: string; pids: { etcd: number; kubeApiserver: number } };
    expect(processAlive(env.pids.etcd)).toBe(true);
    expect(await portOpen(Number(new URL(env.url).port))).toBe(true);
    expect(existsSync(env.dataDir)).toBe(true);

    child.kill('SIGKILL'); // no handler in the child can run: only the reaper can clean up
    await eventually(() => expectGone(env), 20_000);
  });
});

describe('glkeys-kube-testenv CLI', () => {
  it('prints a working kubeconfig path and cleans up on SIGINT', async () => {
    const { child, line } = await spawnAndReadLine(['bin/glkeys-kube-testenv.js', '--json']);
    const out = line as unknown as { url: string; kubeconfigPath: string; dataDir: string; pids: { etcd: number; kubeApiserver: number } };
    const kc = new KubeConfig();
    kc.loadFromFile(out.kubeconfigPath);
    expect((await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' })).metadata?.name).toBe('default');

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    await expectGone(out);
  });

  it('refuses an unknown command with exit code 2', async () => {
    const child = spawn(process.execPath, ['bin/glkeys-kube-testenv.js', 'frobnicate'], {
      cwd: packageDir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'frobnicate'");
  });
});
