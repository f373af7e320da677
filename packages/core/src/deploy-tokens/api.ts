/**
 * Deploy token calls for projects and groups. Input is validated before any request;
 * revoking a token that is already gone counts as done (GitLab answers 404).
 */
import type { GitlabApi } from '../gitlab/api.js';
import type { GitlabClient } from '../gitlab/client.js';
import { deletedUnlessGone, unlessNotFound } from '../gitlab/not-found.js';
import { checkNumericId } from '../ids/gitlab-ref.js';
import { targetParam, targetPath, type CredentialTarget } from '../target.js';
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

export async function createDeployToken(
  client: GitlabClient,
  target: CredentialTarget,
  input: CreateDeployTokenInput,
  now: Date = new Date(),
): Promise<NewDeployToken> {
  const valid = validateCreateDeployToken(target.kind, input, now);
  const body: { expires_at?: string; username?: string } = {};
  if (valid.expiresAt !== undefined) body.expires_at = valid.expiresAt;
  if (valid.username !== undefined) body.username = valid.username;
  const created = (await client.deployTokens.create(valid.name, valid.scopes as never, {
    ...targetParam(target),
    ...body,
  } as never)) as unknown as Record<string, unknown>;
  return { ...toDeployToken(created), token: String(created.token) };
}

/**
 * All tokens of the target, following pagination; `active` keeps only unrevoked, unexpired ones.
 * Reads take any `GitlabApi`: the full client or the CLI's lean reader.
 */
export async function listDeployTokens(
  api: GitlabApi,
  target: CredentialTarget,
  options: { active?: boolean } = {},
): Promise<DeployToken[]> {
  const rows = await api.paginate(`${targetPath(target)}/deploy_tokens`, options.active ? { active: 'true' } : {});
  return rows.map(toDeployToken);
}

/** The token, or undefined when GitLab no longer knows it (revoked tokens may vanish). */
export async function getDeployToken(api: GitlabApi, target: CredentialTarget, id: number): Promise<DeployToken | undefined> {
  const response = await unlessNotFound(api.request('GET', `${targetPath(target)}/deploy_tokens/${checkNumericId('id', id)}`));
  return response && toDeployToken(response.body as Record<string, unknown>);
}

/** Revokes the token. Returns false when it was already gone. */
export async function revokeDeployToken(client: GitlabClient, target: CredentialTarget, id: number): Promise<boolean> {
  return deletedUnlessGone(client.deployTokens.remove(id, targetParam(target) as never));
}

/** A token that still authenticates: not revoked and not past its expiry. */
export function isDeployTokenAlive(token: DeployToken, now: Date = new Date()): boolean {
  if (token.revoked || token.expired) return false;
  return token.expiresAt === null || Date.parse(token.expiresAt) > now.getTime();
}

function toDeployToken(row: Record<string, unknown>): DeployToken {
  return {
    id: Number(row.id),
    name: String(row.name ?? ''),
    username: String(row.username ?? ''),
    expiresAt: typeof row.expires_at === 'string' ? row.expires_at : null,
    scopes: (Array.isArray(row.scopes) ? row.scopes : []) as DeployTokenScope[],
    revoked: row.revoked === true,
    expired: row.expired === true,
  };
}
