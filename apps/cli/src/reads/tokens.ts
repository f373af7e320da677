/**
 * The bodies of `token list` and `token get`: shared by the oclif commands and the fast path
 * (src/fast-path), so both print the same thing. They load only `@glkeys/core/read`.
 */
import { gitlabReader, type ClientFlags } from '../lib/gitlab.js';
import { targetJson, tokenJson, type DeployTokenJson, type TargetJson } from '../lib/present.js';
import { table } from '../lib/table.js';
import { parseId, parseTarget } from '../lib/targets.js';
import type { ReadIo } from './io.js';

export interface TargetFlags extends ClientFlags {
  project?: string | undefined;
  group?: string | undefined;
}

export interface TokenListResult {
  target: TargetJson;
  tokens: DeployTokenJson[];
}

export interface TokenGetResult {
  target: TargetJson;
  token: DeployTokenJson;
}

export async function tokenList(flags: TargetFlags & { active?: boolean | undefined }, io: ReadIo): Promise<TokenListResult> {
  const target = await parseTarget(flags);
  const api = await gitlabReader(flags);
  const { listDeployTokens } = await import('@glkeys/core/read');
  const tokens = (await listDeployTokens(api, target, { active: flags.active === true })).map(tokenJson);
  io.say(
    tokens.length === 0
      ? 'No deploy tokens.'
      : table(
          ['ID', 'NAME', 'USERNAME', 'SCOPES', 'EXPIRES', 'STATE'],
          tokens.map((t) => [t.id, t.name, t.username, t.scopes.join(','), t.expiresAt ?? 'never', tokenState(t)]),
        ),
  );
  return { target: targetJson(target), tokens };
}

export async function tokenGet(flags: TargetFlags, args: { id: string }, io: ReadIo): Promise<TokenGetResult> {
  const id = parseId(args.id);
  const target = await parseTarget(flags);
  const api = await gitlabReader(flags);
  const core = await import('@glkeys/core/read');
  const token = await core.getDeployToken(api, target, id);
  if (!token) {
    throw new core.NotFoundError('NOT_FOUND', `Deploy token ${id} does not exist in ${core.describeTarget(target)}.`, {
      request: { method: 'GET', path: 'deploy_tokens' },
      status: 404,
    });
  }
  const json = tokenJson(token);
  io.say(
    `ID        ${json.id}\nName      ${json.name}\nUsername  ${json.username}\nScopes    ${json.scopes.join(', ')}\nExpires   ${json.expiresAt ?? 'never'}\nState     ${tokenState(json)}`,
  );
  return { target: targetJson(target), token: json };
}

function tokenState(t: DeployTokenJson): string {
  return t.revoked ? 'revoked' : t.expired ? 'expired' : 'active';
}
