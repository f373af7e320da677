/**
 * Project deploy key calls. The public key is parsed locally first (type, size, format), so
 * a bad key fails with the broken rule before GitLab sees it. Deleting a key that is already
 * gone counts as done.
 */
import { ValidationError } from '../errors.js';
import { resolveExpiry, type ExpiryInput } from '../expiry.js';
import type { GitlabApi } from '../gitlab/api.js';
import type { GitlabClient } from '../gitlab/client.js';
import { deletedUnlessGone, unlessNotFound } from '../gitlab/not-found.js';
import { checkNumericId, encodeId, refToParam, type GitlabRef } from '../ids/gitlab-ref.js';
import { parsePublicKey } from '../ssh/public-key.js';

export interface DeployKey {
  id: number;
  title: string;
  key: string;
  fingerprint: string | null;
  fingerprintSha256: string | null;
  createdAt: string | null;
  expiresAt: string | null;
  canPush: boolean;
}

export interface RegisterDeployKeyInput extends ExpiryInput {
  title: string;
  /** An `authorized_keys` line: `ssh-ed25519 AAAA… comment`. */
  key: string;
  /** Write access to the repository. Default false: deploy keys are read-only unless asked. */
  canPush?: boolean;
}

export function checkDeployKeyTitle(title: unknown, field = 'title'): string {
  if (typeof title !== 'string' || title.trim() === '') {
    throw new ValidationError(field, 'not empty', `${field}: a deploy key needs a title`);
  }
  if (title.length > 255) {
    throw new ValidationError(field, 'at most 255 characters', `${field}: ${title.length} characters, at most 255 allowed`);
  }
  if (/[\u0000-\u001f]/.test(title)) {
    throw new ValidationError(field, 'no control characters', `${field}: must not contain control characters or newlines`);
  }
  return title;
}

export async function registerDeployKey(
  client: GitlabClient,
  project: GitlabRef,
  input: RegisterDeployKeyInput,
  now: Date = new Date(),
): Promise<DeployKey> {
  const title = checkDeployKeyTitle(input.title);
  const key = parsePublicKey(input.key).line;
  const expiresAt = resolveExpiry(input, now);
  const row = (await client.deployKeys.create(refToParam(project), title, key, {
    canPush: input.canPush ?? false,
    ...(expiresAt === undefined ? {} : { expiresAt }),
  } as never)) as unknown as Record<string, unknown>;
  return toDeployKey(row);
}

/** The keys enabled on the project. Reads take any `GitlabApi`: the full client or the lean reader. */
export async function listDeployKeys(api: GitlabApi, project: GitlabRef): Promise<DeployKey[]> {
  const rows = await api.paginate(`projects/${encodeId(project)}/deploy_keys`);
  return rows.map(toDeployKey);
}

export async function getDeployKey(api: GitlabApi, project: GitlabRef, id: number): Promise<DeployKey | undefined> {
  const response = await unlessNotFound(api.request('GET', `projects/${encodeId(project)}/deploy_keys/${checkNumericId('id', id)}`));
  return response && toDeployKey(response.body as Record<string, unknown>);
}

export async function updateDeployKey(
  client: GitlabClient,
  project: GitlabRef,
  id: number,
  changes: { title?: string; canPush?: boolean },
): Promise<DeployKey> {
  if (changes.title === undefined && changes.canPush === undefined) {
    throw new ValidationError('title/canPush', 'something to change', 'give a new title or canPush');
  }
  const options: { title?: string; canPush?: boolean } = {};
  if (changes.title !== undefined) options.title = checkDeployKeyTitle(changes.title);
  if (changes.canPush !== undefined) options.canPush = changes.canPush;
  return toDeployKey((await client.deployKeys.edit(refToParam(project), id, options)) as unknown as Record<string, unknown>);
}

/** Removes the key from the project. Returns false when it was already gone. */
export async function deleteDeployKey(client: GitlabClient, project: GitlabRef, id: number): Promise<boolean> {
  return deletedUnlessGone(client.deployKeys.remove(refToParam(project), id));
}

/** Enables an existing deploy key (by ID) on another project. */
export async function enableDeployKey(client: GitlabClient, project: GitlabRef, id: number): Promise<DeployKey> {
  return toDeployKey((await client.deployKeys.enable(refToParam(project), id)) as unknown as Record<string, unknown>);
}

export function isDeployKeyAlive(key: DeployKey, now: Date = new Date()): boolean {
  return key.expiresAt === null || Date.parse(key.expiresAt) > now.getTime();
}

function toDeployKey(row: Record<string, unknown>): DeployKey {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: Number(row.id),
    title: String(row.title ?? ''),
    key: String(row.key ?? ''),
    fingerprint: text(row.fingerprint),
    fingerprintSha256: text(row.fingerprint_sha256),
    createdAt: text(row.created_at),
    expiresAt: text(row.expires_at),
    canPush: row.can_push === true,
  };
}
