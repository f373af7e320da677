import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Paths of the Go-built binaries in the version-keyed cache folder. */
export interface Binaries {
  /** The cache folder, e.g. ~/.cache/glkeys/kube-testenv/k8s-v1.36.3_etcd-v3.6.8_go1.26.8_linux-amd64 */
  dir: string;
  etcd: string;
  kubeApiserver: string;
  /** Present only when asked for with `withControllerManager`. */
  kubeControllerManager?: string;
}

export interface EnsureBinariesOptions {
  /** Also build kube-controller-manager (a few more minutes on a cold cache). */
  withControllerManager?: boolean;
  /** Where build progress goes; defaults to this process's stderr. */
  progress?: NodeJS.WritableStream;
}

export class KubeTestEnvBuildError extends Error {
  override readonly name = 'KubeTestEnvBuildError';
}

// src/ and dist/ sit at the same depth, so the package root is one level up either way.
const packageRoot = fileURLToPath(new URL('..', import.meta.url));
export const buildScript = path.join(packageRoot, 'scripts', 'build-binaries.sh');

/**
 * Builds etcd and kube-apiserver from Go modules on first use and returns their paths.
 * Later calls (from any process) reuse the cached binaries; concurrent callers wait on
 * the builder's lock instead of building twice.
 */
export async function ensureBinaries(options: EnsureBinariesOptions = {}): Promise<Binaries> {
  await assertGoOnPath();
  const args = [buildScript, ...(options.withControllerManager ? ['--with-controller-manager'] : [])];
  const progress = options.progress ?? process.stderr;
  const dir = await new Promise<string>((resolve, reject) => {
    const child = spawn('bash', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errTail = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      progress.write(chunk);
      errTail = (errTail + chunk).slice(-4000);
    });
    child.on('error', (err) => reject(new KubeTestEnvBuildError(`kube-testenv: cannot run ${buildScript}: ${err.message}`)));
    child.on('close', (code) => {
      if (code === 0) resolve(out.trim().split('\n').pop() ?? '');
      else reject(new KubeTestEnvBuildError(`kube-testenv: building the binaries failed (exit ${code}):\n${errTail.trim()}`));
    });
  });
  const bin = path.join(dir, 'bin');
  const result: Binaries = { dir, etcd: path.join(bin, 'etcd'), kubeApiserver: path.join(bin, 'kube-apiserver') };
  if (options.withControllerManager) result.kubeControllerManager = path.join(bin, 'kube-controller-manager');
  for (const file of [result.etcd, result.kubeApiserver, result.kubeControllerManager]) {
    if (file) await access(file, constants.X_OK);
  }
  return result;
}

async function assertGoOnPath(): Promise<void> {
  const found = await new Promise<boolean>((resolve) => {
    const child = spawn('go', ['env', 'GOVERSION'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
  if (!found) {
    throw new KubeTestEnvBuildError(
      'kube-testenv: `go` was not found on PATH. etcd and kube-apiserver are built from Go modules; install Go >= 1.26 and retry.',
    );
  }
}
