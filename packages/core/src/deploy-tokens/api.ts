/**
 * Deploy token calls for projects and groups. Input is validated before any request;
 * revoking a token that is already gone counts as done (GitLab answers 404).
 */
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { deletedUnlessGone, unlessNotFound } from '../gitlab/not-found.js';
import { checkNumericId } from '../ids/gitlab-ref.js';
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

/** Revokes the token. Returns false when it was already gone. */
export async function revokeDeployToken(
  api: GitlabApi,
  target: CredentialTarget,
  id: number,
  options: GitlabCallOptions = {},
): Promise<boolean> {
  const path = `${targetPath(target)}/deploy_tokens/${checkNumericId('id', id)}`;
  return deletedUnlessGone(api.request('DELETE', path, signalOnly(options)));
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
