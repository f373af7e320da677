import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ensureBinaries } from './binaries.js';
import { apiserverArgs, controllerManagerArgs, etcdArgs } from './flags.js';
import { kubeconfigFor, type Identity, type IdentityKubeconfig } from './identities.js';
import { buildKubeConfig, writeKubeconfig } from './kubeconfig.js';
import { createPki, issueClientCert, readPem, type Pki } from './pki.js';
import { freePorts } from './ports.js';
import { logTail, spawnServer, stopServer, type Managed } from './processes.js';
import { ServerExitedError, waitFor200, type TlsClient } from './readiness.js';
import { spawnReaper } from './reaper.js';

export interface StartOptions {
  /** Budget for etcd + kube-apiserver to become ready, after the binaries exist. Default 120 000. */
  startTimeoutMs?: number;
  /** Also run kube-controller-manager (garbage collection, namespace deletion, default ServiceAccounts). */
  withControllerManager?: boolean;
  /** Leave the data dir (etcd data, certificates, logs) behind after stop() for inspection. */
  keepDataDir?: boolean;
  /** Stream the servers' logs to this process's stdout/stderr instead of log files. */
  verbose?: boolean;
  /** Parent folder of the data dir. Default: the OS temp folder. */
  tmpDir?: string;
  /** Extra kube-apiserver flags, e.g. `--feature-gates=...`; later flags win. */
  apiserverFlags?: string[];
}

export interface KubeTestEnv {
  /** https://127.0.0.1:<port> */
  url: string;
  /** Admin kubeconfig (client certificate in group system:masters), certificates embedded. */
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  /** Temp folder holding etcd data, certificates, logs and issued kubeconfigs. */
  dataDir: string;
  pids: { etcd: number; kubeApiserver: number; kubeControllerManager?: number };
  /** A kubeconfig for another identity, to prove what RBAC allows or denies. */
  kubeconfigFor(identity: Identity): Promise<IdentityKubeconfig>;
  /** Stops every process and deletes the data dir (unless keepDataDir). Safe to call twice. */
  stop(): Promise<void>;
}

const adminUser = 'glkeys-kube-testenv-admin';
const portAttempts = 3;
const stopGraceMs = 5_000;

// Kills of live envs, run synchronously when the process exits with envs still up.
const liveEnvs = new Set<() => void>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const kill of liveEnvs) kill();
  });
}

/** Starts etcd and kube-apiserver (and optionally kube-controller-manager) on free loopback ports. */
export async function start(options: StartOptions = {}): Promise<KubeTestEnv> {
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`kube-testenv: startTimeoutMs must be a positive number of milliseconds, got ${String(options.startTimeoutMs)}`);
  }
  const keep = options.keepDataDir === true;
  const verbose = options.verbose === true;
  const say = (line: string) => verbose && process.stderr.write(`kube-testenv: ${line}\n`);

  const binaries = await ensureBinaries({ withControllerManager: options.withControllerManager === true });
  const deadline = Date.now() + timeoutMs;
  const dataDir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'glkeys-kube-testenv-'));
  const pidsFile = path.join(dataDir, 'pids');
  const logDir = path.join(dataDir, 'logs');
  await mkdir(logDir);
  const reaper = spawnReaper(pidsFile, dataDir, keep);
  const procs: Managed[] = [];

  const killSync = () => {
    for (const p of procs) {
      try {
        p.child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!keep) rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
  };
  installExitHook();
  liveEnvs.add(killSync);

  const shutdown = async () => {
    // Reverse start order: clients of the apiserver first, etcd last.
    for (const p of [...procs].reverse()) await stopServer(p, stopGraceMs);
    liveEnvs.delete(killSync);
    if (!keep) await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
    reaper.stop();
  };

  try {
    const pki = await createPki(path.join(dataDir, 'pki'));
    const adminCert = await issueClientCert(pki.dir, 'admin', adminUser, ['system:masters']);
    const tls: TlsClient = { ca: await readPem(pki.caCert), cert: await readPem(adminCert.cert), key: await readPem(adminCert.key) };

    const { etcd, apiserver, url } = await startControlPlane({
      binaries,
      pki,
      tls,
      dataDir,
      logDir,
      pidsFile,
      verbose,
      deadline,
      procs,
      say,
      extra: options.apiserverFlags ?? [],
    });
    // /readyz waits for the RBAC bootstrap roles; the default namespace comes a moment later.
    await waitFor200({ url: `${url}/api/v1/namespaces/default`, tls, deadline, failed: apiserver.exited, what: 'kube-apiserver' });

    const kubeConfig = buildKubeConfig({
      name: adminUser,
      server: url,
      caPem: tls.ca,
      credentials: { certPem: tls.cert, keyPem: tls.key },
    });
    const kubeconfigPath = path.join(dataDir, 'kubeconfig');
    await writeKubeconfig(kubeconfigPath, kubeConfig);

    const pids: KubeTestEnv['pids'] = { etcd: etcd.pid, kubeApiserver: apiserver.pid };
    if (binaries.kubeControllerManager) {
      const kcm = spawnServer({
        name: 'kube-controller-manager',
        binary: binaries.kubeControllerManager,
        args: controllerManagerArgs({ pki, kubeconfigPath }),
        logDir,
        pidsFile,
        verbose,
      });
      procs.push(kcm);
      pids.kubeControllerManager = kcm.pid;
      // The default ServiceAccount appears once the controllers run.
      await waitFor200({
        url: `${url}/api/v1/namespaces/default/serviceaccounts/default`,
        tls,
        deadline,
        failed: kcm.exited,
        what: 'kube-controller-manager',
      }).catch(async (err: Error) => {
        throw new Error(`${err.message}\n--- kube-controller-manager log ---\n${await logTail(kcm)}`);
      });
    }
    say(`ready at ${url}; kubeconfig ${kubeconfigPath}`);

    let stopping: Promise<void> | undefined;
    const access = { url, dataDir, pkiDir: pki.dir, caCert: pki.caCert, admin: kubeConfig };
    return {
      url,
      kubeconfigPath,
      kubeConfig,
      dataDir,
      pids,
      kubeconfigFor: (identity) => kubeconfigFor(access, identity),
      stop: () => (stopping ??= shutdown()),
    };
  } catch (err) {
    await shutdown();
    throw err;
  }
}

async function startControlPlane(ctx: {
  binaries: { etcd: string; kubeApiserver: string };
  pki: Pki;
  tls: TlsClient;
  dataDir: string;
  logDir: string;
  pidsFile: string;
  verbose: boolean;
  deadline: number;
  procs: Managed[];
  say: (line: string) => void;
  extra: readonly string[];
}): Promise<{ etcd: Managed; apiserver: Managed; url: string }> {
  for (let attempt = 1; ; attempt++) {
    const [clientPort, peerPort, securePort] = (await freePorts(3)) as [number, number, number];
    ctx.say(`starting etcd on 127.0.0.1:${clientPort} and kube-apiserver on 127.0.0.1:${securePort}`);
    const etcd = spawnServer({
      name: `etcd-${attempt}`,
      binary: ctx.binaries.etcd,
      args: etcdArgs({ dataDir: path.join(ctx.dataDir, `etcd-${attempt}`), clientPort, peerPort }),
      logDir: ctx.logDir,
      pidsFile: ctx.pidsFile,
      verbose: ctx.verbose,
    });
    ctx.procs.push(etcd);
    let apiserver: Managed | undefined;
    try {
      await waitFor200({ url: `http://127.0.0.1:${clientPort}/health`, deadline: ctx.deadline, failed: etcd.exited, what: 'etcd' });
      apiserver = spawnServer({
        name: `kube-apiserver-${attempt}`,
        binary: ctx.binaries.kubeApiserver,
        args: apiserverArgs({ pki: ctx.pki, etcdClientPort: clientPort, securePort, extra: ctx.extra }),
        logDir: ctx.logDir,
        pidsFile: ctx.pidsFile,
        verbose: ctx.verbose,
      });
      ctx.procs.push(apiserver);
      const failed = Promise.race([etcd.exited.then((w) => `etcd: ${w}`), apiserver.exited]);
      await waitFor200({
        url: `https://127.0.0.1:${securePort}/readyz`,
        tls: ctx.tls,
        deadline: ctx.deadline,
        failed,
        what: 'kube-apiserver',
      });
      return { etcd, apiserver, url: `https://127.0.0.1:${securePort}` };
    } catch (err) {
      const tails = `--- etcd log ---\n${await logTail(etcd)}${apiserver ? `\n--- kube-apiserver log ---\n${await logTail(apiserver)}` : ''}`;
      for (const p of [apiserver, etcd]) if (p) await stopServer(p, 1_000);
      // Another process may have taken a probed port between probe and bind: try new ones.
      const portTaken = /address already in use/i.test(tails) || ctx.verbose;
      if (err instanceof ServerExitedError && portTaken && attempt < portAttempts) continue;
      throw new Error(`kube-testenv: start-up failed: ${(err as Error).message}\n${tails}`, { cause: err });
    }
  }
}
