/**
 * Project deploy key calls. The public key is parsed locally first (type, size, format), so
 * a bad key fails with the broken rule before GitLab sees it. Deleting a key that is already
 * gone counts as done.
 */
import { ValidationError } from '../errors.js';
import { resolveExpiry, type ExpiryInput } from '../expiry.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { deletedUnlessGone, unlessNotFound } from '../gitlab/not-found.js';
import { checkNumericId, encodeId, type GitlabRef } from '../ids/gitlab-ref.js';
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

/** A deploy key as GitLab sends it (`…/deploy_keys`); older GitLab omits `fingerprint_sha256`. */
type DeployKeyRow = {
  id: number;
  title?: string;
  key?: string;
  fingerprint?: string | null;
  fingerprint_sha256?: string | null;
  created_at?: string | null;
  expires_at?: string | null;
  can_push?: boolean;
};

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

/** Every call here takes any `GitlabApi`: the full client or the lean reader. */
export async function registerDeployKey(
  api: GitlabApi,
  project: GitlabRef,
  input: RegisterDeployKeyInput,
  now: Date = new Date(),
  options: GitlabCallOptions = {},
): Promise<DeployKey> {
  const title = checkDeployKeyTitle(input.title);
  const key = parsePublicKey(input.key).line;
  const expiresAt = resolveExpiry(input, now);
  const body = { title, key, can_push: input.canPush ?? false, ...(expiresAt === undefined ? {} : { expires_at: expiresAt }) };
  const { body: row } = await api.request<DeployKeyRow>('POST', keysPath(project), { body, ...signalOnly(options) });
  return toDeployKey(row);
}

/** The keys enabled on the project. */
export async function listDeployKeys(api: GitlabApi, project: GitlabRef, options: GitlabCallOptions = {}): Promise<DeployKey[]> {
  const rows = await api.paginate<DeployKeyRow>(keysPath(project), {}, signalOnly(options));
  return rows.map(toDeployKey);
}

/** The key, or undefined when it is not (or no longer) on the project. */
export async function getDeployKey(
  api: GitlabApi,
  project: GitlabRef,
  id: number,
  options: GitlabCallOptions = {},
): Promise<DeployKey | undefined> {
  const response = await unlessNotFound(api.request<DeployKeyRow>('GET', keyPath(project, id), signalOnly(options)));
  return response && toDeployKey(response.body);
}

export async function updateDeployKey(
  api: GitlabApi,
  project: GitlabRef,
  id: number,
  changes: { title?: string; canPush?: boolean },
  options: GitlabCallOptions = {},
): Promise<DeployKey> {
  const path = keyPath(project, id);
  if (changes.title === undefined && changes.canPush === undefined) {
    throw new ValidationError('title/canPush', 'something to change', 'give a new title or canPush');
  }
  const body: { title?: string; can_push?: boolean } = {};
  if (changes.title !== undefined) body.title = checkDeployKeyTitle(changes.title);
  if (changes.canPush !== undefined) body.can_push = changes.canPush;
  const { body: row } = await api.request<DeployKeyRow>('PUT', path, { body, ...signalOnly(options) });
  return toDeployKey(row);
}

/**
 * Removes the key from the project. Returns false when it is not (or no longer) on a project
 * that exists and this token can see; throws TargetNotFoundError (field `project`) when the
 * project itself answers 404.
 */
export async function deleteDeployKey(api: GitlabApi, project: GitlabRef, id: number, options: GitlabCallOptions = {}): Promise<boolean> {
  const call = api.request('DELETE', keyPath(project, id), signalOnly(options));
  return deletedUnlessGone(api, { kind: 'project', ref: project }, call, `deploy key ${id}`, 'removed', signalOnly(options));
}

/** Enables an existing deploy key (by ID) on another project. */
export async function enableDeployKey(api: GitlabApi, project: GitlabRef, id: number, options: GitlabCallOptions = {}): Promise<DeployKey> {
  const { body: row } = await api.request<DeployKeyRow>('POST', `${keyPath(project, id)}/enable`, signalOnly(options));
  return toDeployKey(row);
}

export function isDeployKeyAlive(key: DeployKey, now: Date = new Date()): boolean {
  return key.expiresAt === null || Date.parse(key.expiresAt) > now.getTime();
}

function keysPath(project: GitlabRef): string {
  return `projects/${encodeId(project)}/deploy_keys`;
}

/** Checks the ID first: a credential ID in a URL path must be a positive whole number. */
function keyPath(project: GitlabRef, id: number): string {
  return `${keysPath(project)}/${checkNumericId('id', id)}`;
}

function toDeployKey(row: DeployKeyRow): DeployKey {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: Number(row.id),
    title: row.title ?? '',
    key: row.key ?? '',
    fingerprint: text(row.fingerprint),
    fingerprintSha256: text(row.fingerprint_sha256),
    createdAt: text(row.created_at),
    expiresAt: text(row.expires_at),
    canPush: row.can_push === true,
  };
}
