/**
 * Delivering a secret value the user asked for to a file (mode 0600). The destination is checked
 * before any GitLab call (checkOutputFile), so a missing folder or an existing file never costs a
 * live credential whose value is lost. The value goes to a temporary file in the same folder,
 * then takes the final name in one step: a hard link, which fails if the name exists (so a file
 * that appeared meanwhile is not replaced), or a rename with --force.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, lstat, open, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileErrorMessage } from './errors.js';
import { FlagError } from './usage.js';

/** Refuses a destination that cannot be written, or that exists without --force; no GitLab call is made before this. */
export async function checkOutputFile(path: string, flag: string, force: boolean, extraPaths: readonly string[] = []): Promise<void> {
  if (path === '' || path.endsWith('/')) throw new FlagError(flag, 'a file path', `${flag}: ${JSON.stringify(path)} names no file`);
  const folder = dirname(path);
  const folderStat = await stat(folder).catch((error: unknown) => {
    throw new FlagError(flag, 'an existing folder', `${flag}: ${fileErrorMessage(error, 'folder') ?? `folder ${folder} cannot be used`}`);
  });
  if (!folderStat.isDirectory()) throw new FlagError(flag, 'an existing folder', `${flag}: ${folder} is not a folder`);
  await access(folder, constants.W_OK).catch(() => {
    throw new FlagError(flag, 'a writable folder', `${flag}: the folder ${folder} is not writable`);
  });
  for (const file of [path, ...extraPaths]) {
    const existing = await lstat(file).catch(() => undefined);
    if (!existing) continue;
    if (existing.isDirectory()) throw new FlagError(flag, 'a file, not a folder', `${flag}: ${file} is a folder`);
    if (!force) {
      throw new FlagError(
        flag,
        'a new file, or --force',
        `${flag}: ${file} already exists; pass --force to replace it, or choose another file`,
      );
    }
  }
}

export async function writeSecretFile(path: string, content: string, options: { force?: boolean } = {}): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  // `wx`: a fresh file, created with mode 0600 (and never through a link someone left there).
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(content.endsWith('\n') ? content : `${content}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.force) await rename(temp, path);
    else await link(temp, path);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/**
 * Writes a just-created credential's secret; when that fails (a full disk), the credential is
 * revoked, since nobody would hold it, and the error says so. A failed revoke is said too.
 */
export async function deliverOrRevoke(write: () => Promise<void>, revoke: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await write();
  } catch (error) {
    const reason = fileErrorMessage(error, 'cannot write') ?? String(error);
    const outcome = await revoke().then(
      () => `${what} was revoked in GitLab, so nothing is left live`,
      () => `revoking ${what} failed too: it is live in GitLab and nobody holds it; revoke it`,
    );
    // Not a validation error (exit 2 promises nothing was written to GitLab): a failure, exit 5.
    throw Object.assign(new Error(`--output-file: ${reason}; ${outcome}`), { field: '--output-file' });
  }
}
