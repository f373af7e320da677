/**
 * The image's tar writer, read back by GNU tar: names longer than ustar holds (PAX), link targets
 * too, modes, owners and the one mtime; and the same tree added in another order gives the same
 * bytes.
 */
import { execFile } from 'node:child_process';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tarStream } from '../../image/tar.js';
import { Tree } from '../../image/tree.js';

const run = promisify(execFile);
const MTIME = 1_700_000_000;
const LONG_DIR = `usr/share/${'deep-directory-name/'.repeat(6)}end`;
const LONG_TARGET = `/${'target-part/'.repeat(10)}file`;
let work: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'glkeys-tar-'));
  await writeFile(path.join(work, 'on-disk'), 'read when written\n');
});
afterAll(() => rm(work, { recursive: true, force: true }));

async function bytes(tree: Tree): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of tarStream(tree.sorted(), MTIME)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function sample(order: 'forward' | 'backward'): Tree {
  const steps: ((tree: Tree) => void)[] = [
    (t) => t.file(`${LONG_DIR}/${'a-rather-long-file-name-'.repeat(3)}.txt`, 'long path\n'),
    (t) => t.symlink('lib64/ld-linux-x86-64.so.2', LONG_TARGET),
    (t) => t.file('etc/passwd', 'root:x:0:0::/root:/sbin/nologin\n'),
    (t) => t.file('nodejs/bin/node', Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 0o755),
    (t) => t.dir('home/nonroot', 0o700, { uid: 65532, gid: 65532 }),
    (t) => t.dir('tmp', 0o1777),
  ];
  const tree = new Tree();
  for (const step of order === 'forward' ? steps : [...steps].reverse()) step(tree);
  return tree;
}

describe('the image tar writer', () => {
  it('should give the same bytes for the same tree whatever the order it was built in', async () => {
    expect((await bytes(sample('forward'))).equals(await bytes(sample('backward')))).toBe(true);
  });

  it('should be read back by GNU tar: long names and link targets, modes, owners, one mtime', async () => {
    const tree = sample('forward');
    await tree.copyDir(work, 'copied', (rel) => rel === 'on-disk');
    const archive = path.join(work, 'layer.tar');
    await writeFile(archive, await bytes(tree));
    const out = path.join(work, 'out');
    await run('mkdir', [out]);
    await run('tar', ['-xf', archive, '-C', out, '--same-owner', '--same-permissions']);

    const longFile = path.join(out, LONG_DIR, `${'a-rather-long-file-name-'.repeat(3)}.txt`);
    expect(await readFile(longFile, 'utf8')).toBe('long path\n');
    expect(await readlink(path.join(out, 'lib64/ld-linux-x86-64.so.2'))).toBe(LONG_TARGET);
    expect(await readFile(path.join(out, 'copied/on-disk'), 'utf8')).toBe('read when written\n');
    const node = await lstat(path.join(out, 'nodejs/bin/node'));
    expect(node.mode & 0o7777).toBe(0o755);
    expect(node.mtimeMs / 1000).toBe(MTIME);
    const home = await lstat(path.join(out, 'home/nonroot'));
    expect([home.mode & 0o7777, home.uid, home.gid]).toEqual([0o700, 65532, 65532]);
    expect((await lstat(path.join(out, 'tmp'))).mode & 0o7777).toBe(0o1777);
    expect((await lstat(path.join(out, 'etc'))).mode & 0o7777).toBe(0o755);

    // Every entry root's or nonroot's, every parent listed before its children.
    const listing = (await run('tar', ['-tvf', archive, '--numeric-owner'])).stdout.trim().split('\n');
    expect(listing.every((line) => / (0\/0|65532\/65532) /.test(line))).toBe(true);
    const names = (await run('tar', ['-tf', archive])).stdout.trim().split('\n');
    for (const [i, name] of names.entries()) {
      const parent = path.posix.dirname(name.replace(/\/$/, ''));
      if (parent !== '.') expect(names.slice(0, i)).toContain(`${parent}/`);
    }
  });
});
