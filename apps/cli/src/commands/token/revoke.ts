import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseId, parseTarget } from '../../lib/targets.js';

export interface TokenRevokeResult {
  target: TargetJson;
  id: number;
  /** false when the token was already gone (still success). */
  revoked: boolean;
}

export default class TokenRevoke extends GlkeysCommand<TokenRevokeResult> {
  static override summary = 'Revoke a deploy token. A token that is already gone counts as revoked.';
  static override examples = ['<%= config.bin %> token revoke 42 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...targetFlags, ...hostFlags };

  async run(): Promise<TokenRevokeResult> {
    const { args, flags } = await this.parse(TokenRevoke);
    const id = parseId(args.id);
    const target = await parseTarget(flags);
    const { client } = await gitlabClient(flags);
    const { revokeDeployToken } = await import('@glkeys/core');
    const revoked = await revokeDeployToken(client, target, id);
    this.say(revoked ? `Revoked deploy token ${id}.` : `Deploy token ${id} was already gone.`);
    return { target: targetJson(target), id, revoked };
  }
}
