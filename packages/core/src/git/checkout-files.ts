/**
 * Writing sync files into a directory: the checkout `bootstrap git` pushes from, or the user's
 * own (`--output-dir`). Identical files are left alone, `onlyIfAbsent` ones are never replaced,
 * and no path goes through a symbolic link: a cloned repository could otherwise point
 * `flux-system` at any directory of the machine running glkeys.
 */
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ValidationError } from '../errors.js';
import type { FileOutcome } from '../bootstrap/commit-files.js';
import { shown } from '../shown.js';

export interface WrittenFile {
  path: string;
  outcome: FileOutcome;
  /** The file written, or null when it was left as it was. */
  written: string | null;
}

export async function writeSyncFiles(
  root: string,
  files: readonly { path: string; content: string; onlyIfAbsent?: boolean }[],
): Promise<WrittenFile[]> {
  const out: WrittenFile[] = [];
  for (const file of files) {
    checkRelativePath(file.path);
    await refuseLinks(root, file.path);
    const target = join(root, file.path);
    const current = await readFile(target, 'utf8').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (current !== undefined && (current === file.content || file.onlyIfAbsent)) {
      out.push({ path: file.path, outcome: current === file.content ? 'unchanged' : 'kept', written: null });
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.content);
    out.push({ path: file.path, outcome: current === undefined ? 'created' : 'updated', written: target });
  }
  return out;
}

/** Only plain relative paths inside the repository (no `..`, no `.git` in any letter case). */
export function checkRelativePath(path: string): void {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git')) {
    throw new ValidationError(
      'files',
      'relative path inside the repository',
      `files: ${shown(path.slice(0, 200))} is not a relative path inside the repository`,
    );
  }
}

async function refuseLinks(root: string, path: string): Promise<void> {
  let at = root;
  for (const part of path.split('/')) {
    at = join(at, part);
    const stat = await lstat(at).catch(() => undefined);
    if (stat === undefined) return;
    if (stat.isSymbolicLink()) {
      throw new ValidationError(
        'files',
        'no symbolic link',
        `${path}: ${shown(at.slice(root.length + 1))} is a symbolic link in the repository; glkeys writes no file through a link`,
      );
    }
  }
}
