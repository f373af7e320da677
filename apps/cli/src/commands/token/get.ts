import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab.js';
import { targetJson, tokenJson, type DeployTokenJson, type TargetJson } from '../../lib/present.js';
import { parseId, parseTarget } from '../../lib/targets.js';

export interface TokenGetResult {
  target: TargetJson;
  token: DeployTokenJson;
}

export default class TokenGet extends GlkeysCommand<TokenGetResult> {
  static override summary = 'Show one deploy token (never its value: GitLab shows it only once).';
  static override examples = ['<%= config.bin %> token get 42 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...targetFlags, ...hostFlags };

  async run(): Promise<TokenGetResult> {
    const { args, flags } = await this.parse(TokenGet);
    const id = parseId(args.id);
    const target = await parseTarget(flags);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const token = await core.getDeployToken(client, target, id);
    if (!token) {
      throw new core.NotFoundError('NOT_FOUND', `Deploy token ${id} does not exist in ${core.describeTarget(target)}.`, {
        request: { method: 'GET', path: 'deploy_tokens' },
        status: 404,
      });
    }
    const json = tokenJson(token);
    this.say(`ID        ${json.id}\nName      ${json.name}\nUsername  ${json.username}\nScopes    ${json.scopes.join(', ')}\nExpires   ${json.expiresAt ?? 'never'}\nState     ${json.revoked ? 'revoked' : json.expired ? 'expired' : 'active'}`);
    return { target: targetJson(target), token: json };
  }
}
