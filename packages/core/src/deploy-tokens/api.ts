/**
 * Deploy token calls for projects and groups. Input is validated before any request;
 * revoking a token that is already gone counts as done, once the project or group is known to exist.
 */
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { CredentialElsewhereError, ForbiddenError, NotFoundError } from '../errors.js';
import { deletedUnlessGone, namespaceChain, unlessNotFound, type TargetRow } from '../gitlab/not-found.js';
import { checkNumericId, encodeId, formatRef } from '../ids/gitlab-ref.js';
import { targetPath, type CredentialTarget } from '../target.js';
import type { DeployTokenScope } from './scopes.js';
import { validateCreateDeployToken, type CreateDeployTokenInput } from './validate.js';

export interface DeployToken {
  id: number;
  name: string;
  username: string;
  expiresAt: string | null;
  scopes: DeployTokenScope[];
  revoked: boolean;
  expired: boolean;
}

/** Returned once, by create. Do not log it: `token` is the secret. */
export interface NewDeployToken extends DeployToken {
  token: string;
}

/** A deploy token as GitLab sends it (`GET|POST …/deploy_tokens`); `token` only on create. */
type DeployTokenRow = {
  id: number;
  name?: string;
  username?: string;
  expires_at?: string | null;
  scopes?: DeployTokenScope[];
  revoked?: boolean;
  expired?: boolean;
  token?: string;
};

/** Creates a token on the project or group. Every call here takes any `GitlabApi`: the full client or the lean reader. */
export async function createDeployToken(
  api: GitlabApi,
  target: CredentialTarget,
  input: CreateDeployTokenInput,
  now: Date = new Date(),
  options: GitlabCallOptions = {},
): Promise<NewDeployToken> {
  const valid = validateCreateDeployToken(target.kind, input, now);
  const body: { name: string; scopes: DeployTokenScope[]; expires_at?: string; username?: string } = {
    name: valid.name,
    scopes: valid.scopes,
  };
  if (valid.expiresAt !== undefined) body.expires_at = valid.expiresAt;
  if (valid.username !== undefined) body.username = valid.username;
  const { body: created } = await api.request<DeployTokenRow>('POST', `${targetPath(target)}/deploy_tokens`, {
    body,
    ...signalOnly(options),
  });
  return { ...toDeployToken(created), token: String(created.token) };
}

/** All tokens of the target, following pagination; `active` keeps only unrevoked, unexpired ones. */
export async function listDeployTokens(
  api: GitlabApi,
  target: CredentialTarget,
  options: { active?: boolean } & GitlabCallOptions = {},
): Promise<DeployToken[]> {
  const rows = await api.paginate<DeployTokenRow>(
    `${targetPath(target)}/deploy_tokens`,
    options.active ? { active: 'true' } : {},
    signalOnly(options),
  );
  return rows.map(toDeployToken);
}

/** The token, or undefined when GitLab no longer knows it (revoked tokens may vanish). */
export async function getDeployToken(
  api: GitlabApi,
  target: CredentialTarget,
  id: number,
  options: GitlabCallOptions = {},
): Promise<DeployToken | undefined> {
  const path = `${targetPath(target)}/deploy_tokens/${checkNumericId('id', id)}`;
  const response = await unlessNotFound(api.request<DeployTokenRow>('GET', path, signalOnly(options)));
  return response && toDeployToken(response.body);
}

/**
 * Revokes the token. Returns false when it is already gone from a project or group that exists
 * and this token can see; throws TargetNotFoundError (field `project`/`group`) when the target
 * itself answers 404, and CredentialElsewhereError when the ID is a token of a group above the project.
 */
export async function revokeDeployToken(
  api: GitlabApi,
  target: CredentialTarget,
  id: number,
  options: GitlabCallOptions = {},
): Promise<boolean> {
  const path = `${targetPath(target)}/deploy_tokens/${checkNumericId('id', id)}`;
  return deletedUnlessGone(api, target, api.request('DELETE', path, signalOnly(options)), `deploy token ${id}`, 'revoked', {
    ...signalOnly(options),
    checkGone: (row) => (target.kind === 'project' ? refuseGroupToken(api, target, id, row, options) : Promise.resolve()),
  });
}

/**
 * Deploy token IDs are global: the ID of a group's token given with its project answers 404 on
 * the project. The groups above the project are asked (one GET each, only on this 404 path), so
 * that case is named instead of called "already gone". A group this token cannot read is skipped.
 */
async function refuseGroupToken(api: GitlabApi, target: CredentialTarget, id: number, row: TargetRow, options: GitlabCallOptions) {
  const namespace = row.namespace;
  if (namespace?.kind !== 'group' || !namespace.full_path) return;
  for (const group of namespaceChain(namespace.full_path)) {
    const path = `groups/${encodeId(group)}/deploy_tokens/${id}`;
    const found = await api.request<DeployTokenRow>('GET', path, signalOnly(options)).then(
      () => true,
      (error: unknown) => {
        if (error instanceof NotFoundError || error instanceof ForbiddenError) return false;
        throw error;
      },
    );
    if (found) {
      throw new CredentialElsewhereError(
        `project: deploy token ${id} belongs to group ${group}, not to project ${formatRef(target.ref)}; revoke it with that group (nothing was revoked)`,
        {
          request: { method: 'DELETE', path: `${targetPath(target)}/deploy_tokens/${id}` },
          status: 404,
          field: 'project',
          owner: { kind: 'group', path: group },
        },
      );
    }
  }
}

/** A token that still authenticates: not revoked and not past its expiry. */
export function isDeployTokenAlive(token: DeployToken, now: Date = new Date()): boolean {
  if (token.revoked || token.expired) return false;
  return token.expiresAt === null || Date.parse(token.expiresAt) > now.getTime();
}

function toDeployToken(row: DeployTokenRow): DeployToken {
  return {
    id: Number(row.id),
    name: row.name ?? '',
    username: row.username ?? '',
    expiresAt: typeof row.expires_at === 'string' ? row.expires_at : null,
    scopes: Array.isArray(row.scopes) ? row.scopes : [],
    revoked: row.revoked === true,
    expired: row.expired === true,
  };
}
