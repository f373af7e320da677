import { NotFoundError, TargetNotFoundError } from '../errors.js';
import { formatRef } from '../ids/gitlab-ref.js';
import { targetPath, type CredentialTarget } from '../target.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from './api.js';

/**
 * GitLab answers 404 both for "never existed" and "already gone". For a read that means
 * absent. Any other error still throws.
 */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** A project as `GET /projects/:id` sends it; only what the 404 check reads. */
export type TargetRow = { namespace?: { kind?: string; full_path?: string } };

/**
 * Runs a delete; true when it removed something, false when the credential is gone from a
 * project or group that exists and this token can see. A 404 of the delete alone proves
 * nothing: GitLab answers it alike for a typo in the project, a project this token cannot see,
 * and a credential that is gone. So on a 404 the target itself is read (one GET): a 404 there
 * throws TargetNotFoundError, nothing was deleted. `checkGone` may look further (a group
 * token's ID given with a project) and throw.
 */
export async function deletedUnlessGone(
  api: GitlabApi,
  target: CredentialTarget,
  call: Promise<unknown>,
  credential: string,
  done: string,
  options: GitlabCallOptions & { checkGone?: (row: TargetRow) => Promise<void> } = {},
): Promise<boolean> {
  try {
    await call;
    return true;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const path = targetPath(target);
  let row: TargetRow;
  try {
    ({ body: row } = await api.request<TargetRow>('GET', path, signalOnly(options)));
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new TargetNotFoundError(
      `${target.kind}: ${target.kind} ${formatRef(target.ref)} does not exist or this token cannot see it; ${credential} was not ${done}`,
      { request: { method: 'GET', path }, status: 404, field: target.kind },
    );
  }
  await options.checkGone?.(row ?? {});
  return false;
}

/** `a/b/c` → `a/b/c`, `a/b`, `a`: a namespace and the groups above it, nearest first. */
export function namespaceChain(fullPath: string): string[] {
  const parts = fullPath.split('/').filter((p) => p !== '');
  return parts.map((_, i) => parts.slice(0, parts.length - i).join('/'));
}
