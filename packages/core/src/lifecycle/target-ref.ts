/**
 * A target by its numeric ID. Lifecycle state records targets this way because a path is what
 * a user typed: `group/app` and `42` may name one project, and a rename or transfer changes the
 * path but not the ID. Resolving a path costs one GET; an ID costs nothing.
 */
import { GlkeysError } from '../errors.js';
import type { GitlabApi } from '../gitlab/api.js';
import { encodeId } from '../ids/gitlab-ref.js';
import { targetPath, type CredentialTarget } from '../target.js';
import type { CallOptions } from './driver.js';
import type { TargetRef } from './state.js';

export async function resolveTargetRef(api: GitlabApi, target: CredentialTarget, options: CallOptions = {}): Promise<TargetRef> {
  if (target.ref.kind === 'id') return { kind: target.kind, id: target.ref.id };
  const response = await api.request('GET', targetPath(target), options.signal ? { signal: options.signal } : {});
  const id = Number((response.body as { id?: unknown } | undefined)?.id);
  if (!Number.isSafeInteger(id) || id <= 0)
    throw new GlkeysError('GITLAB_VALIDATION', `GitLab answered GET ${targetPath(target)} without a numeric id`);
  return { kind: target.kind, id };
}

/** The API form of a resolved target, for the deploy token and key calls. */
export function targetOf(ref: TargetRef): CredentialTarget {
  return { kind: ref.kind, ref: { kind: 'id', id: ref.id } };
}

export function describeTargetRef(ref: TargetRef): string {
  return `${ref.kind} ${encodeId({ kind: 'id', id: ref.id })}`;
}
