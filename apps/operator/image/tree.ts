/**
 * One layer's file tree, built in memory from directories on disk and generated files. Owners
 * and times are not taken from the disk: everything is root's unless said otherwise, and the
 * writer stamps one mtime. Modes keep only the permission bits (no setuid from a package).
 */
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { sortEntries, type TarEntry } from './tar.js';

export class Tree {
  private readonly entries = new Map<string, TarEntry>();

  dir(at: string, mode = 0o755, owner?: { uid: number; gid: number }): this {
    const p = clean(at);
    this.parents(p);
    this.entries.set(p, { type: 'dir', path: p, mode, ...owner });
    return this;
  }

  file(at: string, bytes: Buffer | string, mode = 0o644): this {
    const p = clean(at);
    const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
    this.parents(p);
    this.entries.set(p, { type: 'file', path: p, mode, size: data.length, source: { bytes: data } });
    return this;
  }

  symlink(at: string, target: string): this {
    const p = clean(at);
    this.parents(p);
    this.entries.set(p, { type: 'symlink', path: p, target });
    return this;
  }

  /** Copies `from` (a directory) to `to` in the tree; `keep` sees paths relative to `from`. */
  async copyDir(from: string, to: string, keep: (relative: string) => boolean = () => true): Promise<this> {
    const walk = async (relative: string): Promise<void> => {
      const names = (await readdir(path.join(from, relative))).sort();
      for (const name of names) {
        const rel = relative ? `${relative}/${name}` : name;
        if (!keep(rel)) continue;
        const source = path.join(from, rel);
        const target = to ? `${to}/${rel}` : rel;
        const stat = await lstat(source);
        if (stat.isDirectory()) {
          this.dir(target, stat.mode & 0o777);
          await walk(rel);
        } else if (stat.isSymbolicLink()) this.symlink(target, await readlink(source));
        else if (stat.isFile()) {
          const p = clean(target);
          this.parents(p);
          this.entries.set(p, { type: 'file', path: p, mode: stat.mode & 0o777, size: stat.size, source: { file: source } });
        } else throw new Error(`image: ${source} is neither a file, a directory nor a symbolic link`);
      }
    };
    await walk('');
    return this;
  }

  has(at: string): boolean {
    return this.entries.has(clean(at));
  }

  get(at: string): TarEntry | undefined {
    return this.entries.get(clean(at));
  }

  sorted(): TarEntry[] {
    return sortEntries(this.entries.values());
  }

  /** Parent directories not added explicitly are root's, 0755 (what dpkg would create). */
  private parents(p: string): void {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      if (!this.entries.has(parent)) this.entries.set(parent, { type: 'dir', path: parent, mode: 0o755 });
    }
  }
}

function clean(at: string): string {
  const p = path.posix
    .normalize(at)
    .replace(/^\.?\/+/, '')
    .replace(/\/+$/, '');
  if (p === '' || p === '.' || p.startsWith('..')) throw new Error(`image: "${at}" is not a path inside the image`);
  return p;
}
