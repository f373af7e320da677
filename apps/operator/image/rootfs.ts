/**
 * The image's three layers, in the order they change least to most: a distroless-style base
 * (Debian's C and C++ runtime, CA certificates, a `nonroot` user), Node, and the operator. A new
 * operator build ships one small layer; the first two are shared by every build on a given lock.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DebianInput, NodeInput } from './inputs.js';
import { Tree } from './tree.js';

/** The user the operator runs as: distroless' `nonroot`. */
export const NONROOT = { uid: 65532, gid: 65532 };

/** What is left out of every package: documentation (but not copyright), manuals, lintian data. */
function keepPackageFile(relative: string): boolean {
  if (/^usr\/share\/(man|info|lintian|doc-base|locale)(\/|$)/.test(relative)) return false;
  if (/^usr\/share\/doc\/[^/]+\/./.test(relative)) return /^usr\/share\/doc\/[^/]+\/copyright$/.test(relative);
  return true;
}

/** Per package: only what a process without a shell can use, plus the license texts. */
const packageFilters: Record<string, (relative: string) => boolean> = {
  // os-release tells scanners which Debian this is; common-licenses holds the texts the
  // copyright files point to. The rest of base-files (profiles, motd, empty top-level dirs) is for
  // a system with a shell and logins.
  'base-files': (rel) =>
    /^(etc|usr|usr\/lib|usr\/share|usr\/share\/doc|usr\/share\/doc\/base-files|usr\/share\/common-licenses)$/.test(rel) ||
    /^(etc\/os-release|etc\/debian_version|usr\/lib\/os-release|usr\/share\/doc\/base-files\/copyright|usr\/share\/common-licenses\/.+)$/.test(
      rel,
    ),
  // update-ca-certificates is a shell script; the bundle it would write is made below instead.
  'ca-certificates': (rel) => !/^(usr\/sbin|etc\/ca-certificates)(\/|$)/.test(rel),
};

export async function baseLayer(packages: DebianInput[]): Promise<Tree> {
  const tree = new Tree();
  for (const pkg of packages) {
    const filter = packageFilters[pkg.name] ?? (() => true);
    await tree.copyDir(pkg.root, '', (rel) => keepPackageFile(rel) && filter(rel));
    // distroless' convention: one control paragraph per package, read by image scanners.
    tree.file(`var/lib/dpkg/status.d/${pkg.name}`, `${pkg.control.trimEnd()}\nStatus: install ok installed\n`);
  }
  const ca = packages.find((pkg) => pkg.name === 'ca-certificates');
  if (!ca) throw new Error('image: the lock must pin ca-certificates');
  tree.file('etc/ssl/certs/ca-certificates.crt', await caBundle(ca.root));
  tree.file('etc/passwd', 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n');
  tree.file('etc/group', 'root:x:0:\nnonroot:x:65532:\n');
  // No nsswitch.conf means glibc guesses; say it: files, then DNS (what kubelet's resolv.conf serves).
  tree.file('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  tree.dir('home/nonroot', 0o700, NONROOT);
  tree.dir('root', 0o700);
  tree.dir('tmp', 0o1777);
  return tree;
}

/** What update-ca-certificates would write on a fresh install: every Mozilla root, in name order. */
async function caBundle(root: string): Promise<Buffer> {
  const dir = path.join(root, 'usr/share/ca-certificates/mozilla');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.crt')).sort();
  if (names.length === 0) throw new Error(`image: no certificates in ${dir}`);
  const pems = await Promise.all(names.map((name) => readFile(path.join(dir, name), 'utf8')));
  return Buffer.from(pems.map((pem) => (pem.endsWith('\n') ? pem : `${pem}\n`)).join(''), 'utf8');
}

export async function nodeLayer(node: NodeInput): Promise<Tree> {
  const tree = new Tree();
  await tree.copyDir(path.dirname(node.binary), 'nodejs/bin', (rel) => rel === 'node');
  tree.file('nodejs/LICENSE', await readFile(node.license));
  return tree;
}

export function appLayer(code: Buffer, notices: string): Tree {
  return new Tree().file('app/main.mjs', code).file('app/THIRD_PARTY_NOTICES', notices);
}
