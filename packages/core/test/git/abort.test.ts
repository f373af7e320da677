/**
 * Cancelling git work with an AbortSignal, with the real `git` against servers that never
 * answer: git's processes are killed, the temp folder with the decrypted key is removed, no
 * further git call or retry is made, and the error says whether anything was pushed. Core
 * itself installs no signal handler (the CLI opts in; apps/cli/test/bootstrap-git.test.ts).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GitCommandError, bootstrapGit, pushFiles, syncFiles, type PushFilesInput } from '../../src/bootstrap/index.js';
import { MemorySecretStore, generateKeyPair } from '../../src/index.js';
import { startScriptedServer, type ScriptedServer } from '../support/scripted-server.js';

const PASSWORD = 'abort-test-password-5c1e';
// pushFiles makes its temp folder under os.tmpdir(), which reads TMPDIR on each call.
const tmp = mkdtempSync(join(tmpdir(), 'glkeys-abort-'));
const savedTmpdir = process.env.TMPDIR;
let server: ScriptedServer | undefined;
beforeAll(() => {
  process.env.TMPDIR = tmp;
});
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(tmp, { recursive: true, force: true });
});

const tempFolders = () => readdirSync(tmp).filter((n) => n.startsWith('glkeys-git-'));

/** Polls (no clock assertion) until `ready` holds; fails the test if it never does. */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !ready(); i += 1) await new Promise((r) => setTimeout(r, 25));
  if (!ready()) throw new Error(`never happened: ${what}`);
}

/** Live (non-zombie) processes whose working directory is under `dir`: git and its ssh or https helper. */
function processesUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const live = !/^\d+ \(.*\) Z/s.test(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (live && readlinkSync(`/proc/${name}/cwd`).startsWith(dir)) pids.push(Number(name));
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return pids;
}

function httpInput(url: string, extra: Partial<PushFilesInput> = {}): PushFilesInput {
  return {
    url,
    branch: 'main',
    files: syncFiles({ name: 'flux-system', namespace: 'flux-system', url, branch: 'main', secretName: 'flux-system', path: '' }),
    auth: { kind: 'https', username: 'flux', password: PASSWORD },
    timeoutMs: 60_000,
    ...extra,
  };
}

const outcome = (work: Promise<unknown>) =>
  work.then(
    () => undefined,
    (e: unknown) => e as GitCommandError,
  );

describe.runIf(process.platform === 'linux')('pushFiles with an AbortSignal', () => {
  it('an abort during a hanging SSH ls-remote kills git and ssh, removes the decrypted key, and says nothing was pushed', async () => {
    // An SSH server that accepts and never sends its banner: ssh (under git) waits for ever.
    const sockets = new Set<Socket>();
    const closed: Socket[] = [];
    const hanging = createServer((s) => {
      sockets.add(s);
      s.on('close', () => closed.push(s));
      s.resume(); // read (and drop) ssh's banner, so its end is seen
    });
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const port = (hanging.address() as { port: number }).port;
    try {
      const { privateKey } = await generateKeyPair({ algorithm: 'ed25519' });
      const controller = new AbortController();
      const url = `ssh://git@127.0.0.1:${port}/team/fleet.git`;
      const work = outcome(pushFiles({ ...httpInput(url), auth: { kind: 'ssh', privateKey, knownHosts: '' }, signal: controller.signal }));
      await until(() => sockets.size === 1, 'ssh connected');
      const [folder] = tempFolders();
      const root = join(tmp, folder!);
      expect(readFileSync(join(root, 'auth', 'identity'), 'utf8')).toBe(privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`);
      const pids = processesUnder(root);
      expect(pids.length).toBeGreaterThanOrEqual(2); // git ls-remote and its ssh

      controller.abort();
      const error = await work;
      expect(error).toBeInstanceOf(GitCommandError);
      expect(error?.code).toBe('GIT');
      expect(error?.reason).toBe('aborted');
      expect(error?.operation).toBe('ls-remote');
      expect(error?.message).toContain(`nothing was pushed to ${url}`);
      expect(error?.message).toContain('removed');
      expect(existsSync(root)).toBe(false);
      expect(tempFolders()).toEqual([]);
      // git was reaped before runGit settled; its ssh (same process group) got the same SIGKILL.
      await until(() => pids.every((pid) => !processesUnder(root).includes(pid)) && closed.length === 1, 'ssh gone');
      expect(processesUnder(root)).toEqual([]);
      expect(closed).toHaveLength(1);
      expect(sockets.size).toBe(1); // no retry reconnected
    } finally {
      for (const s of sockets) s.destroy();
      hanging.close();
    }
  });

  it('installs no signal handler: SIGINT and SIGTERM listener counts stay as they were during a push', async () => {
    server = await startScriptedServer([{ hang: true }]);
    const before = { int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') };
    const controller = new AbortController();
    const work = outcome(pushFiles(httpInput(`${server.url}/team/fleet.git`, { signal: controller.signal })));
    await until(() => server!.received.length === 1, 'git asked the server');
    expect(tempFolders()).toHaveLength(1);
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
    controller.abort();
    expect((await work)?.reason).toBe('aborted');
    expect({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') }).toEqual(before);
    expect(tempFolders()).toEqual([]);
  });

  it('an abort during the wait before a retry starts no further git call', async () => {
    server = await startScriptedServer([{ status: 503 }, { status: 503 }, { status: 503 }]);
    const controller = new AbortController();
    const waits: number[] = [];
    const sleep = (ms: number) => {
      waits.push(ms);
      controller.abort();
      return new Promise<never>(() => undefined); // only the abort ends this wait
    };
    const error = await outcome(
      pushFiles(httpInput(`${server.url}/team/fleet.git`, { signal: controller.signal, retry: { limit: 2 }, sleep })),
    );
    expect(error?.reason).toBe('aborted');
    expect(error?.message).toContain('nothing was pushed');
    expect(waits).toHaveLength(1);
    expect(server.received).toHaveLength(1);
    expect(tempFolders()).toEqual([]);
  });

  it('an already aborted signal makes no temp folder and no request', async () => {
    server = await startScriptedServer([]);
    const controller = new AbortController();
    controller.abort();
    const error = await outcome(pushFiles(httpInput(`${server.url}/team/fleet.git`, { signal: controller.signal })));
    expect(error?.reason).toBe('aborted');
    expect(server.received).toEqual([]);
    expect(tempFolders()).toEqual([]);
  });
});

describe.runIf(process.platform === 'linux')('bootstrapGit with an AbortSignal', () => {
  const input = (url: string, store: MemorySecretStore, signal: AbortSignal) => ({
    url,
    branch: 'main',
    path: 'clusters/a',
    namespace: 'flux-system',
    secretName: 'fleet',
    interval: '1m',
    credential: { kind: 'https' as const, username: 'flux', password: PASSWORD },
    store,
    signal,
  });

  it('an abort while the Secret is checked stops before the push: no request, no Secret', async () => {
    server = await startScriptedServer([]);
    const controller = new AbortController();
    const store = Object.assign(new MemorySecretStore(), { check: async () => controller.abort() });
    const error = await outcome(bootstrapGit(input(`${server.url}/team/fleet.git`, store, controller.signal)));
    expect(error?.reason).toBe('aborted');
    expect(error?.message).toContain('nothing was pushed and the Secret flux-system/fleet was not written');
    expect(server.received).toEqual([]);
    expect(store.writes).toBe(0);
  });

  it('an abort during the push kills git, writes no Secret, and says so', async () => {
    server = await startScriptedServer([{ hang: true }]);
    const controller = new AbortController();
    const store = new MemorySecretStore();
    const work = outcome(bootstrapGit(input(`${server.url}/team/fleet.git`, store, controller.signal)));
    await until(() => server!.received.length === 1, 'git asked the server');
    controller.abort();
    const error = await work;
    expect(error?.reason).toBe('aborted');
    expect(error?.message).toMatch(/nothing was pushed to .*The Secret flux-system\/fleet was not written\./s);
    expect(error?.message).not.toContain(PASSWORD);
    expect(store.writes).toBe(0);
    expect(tempFolders()).toEqual([]);
  });
});
