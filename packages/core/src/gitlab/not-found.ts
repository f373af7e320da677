import { NotFoundError } from '../errors.js';

/**
 * GitLab answers 404 both for "never existed" and "already gone". For a read that means
 * absent; for a delete it means done. Any other error still throws.
 */
export async function unlessNotFound<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Runs a delete; true when it removed something, false when it was already gone. */
export async function deletedUnlessGone(call: Promise<unknown>): Promise<boolean> {
  return (await unlessNotFound(call.then(() => true))) ?? false;
}
