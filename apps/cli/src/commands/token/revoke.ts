import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { targetJson, type TargetJson } from '../../lib/present.js';
import { parseId, parseTarget } from '../../lib/targets.js';

export interface TokenRevokeResult {
  target: TargetJson;
  id: number;
  /** false when the token is already gone from a project or group that exists and the token can see (still success). */
  revoked: boolean;
}

export default class TokenRevoke extends GlkeysCommand<TokenRevokeResult> {
  static override summary = 'Revoke a deploy token. A token already gone from an existing project or group counts as revoked.';
  static override description =
    'GitLab answers 404 alike for a token that is gone, a typo in --project/--group and a project the token cannot see; ' +
    'glkeys then reads the project or group: only when that exists is the token "already gone" (exit 0). Otherwise it fails (exit 4) and names the flag.';
  static override examples = ['<%= config.bin %> token revoke 42 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...targetFlags, ...hostFlags };

  async run(): Promise<TokenRevokeResult> {
    const { args, flags } = await this.parse(TokenRevoke);
    const id = parseId(args.id);
    const target = await parseTarget(flags);
    const { client } = await gitlabClient(flags);
    const { describeTarget, revokeDeployToken } = await import('@glkeys/core');
    const revoked = await revokeDeployToken(client, target, id).catch((error: unknown) => {
      const elsewhere = (error as { owner?: { kind: string; path: string } }).owner;
      // Core names the group; the command that would do it is this CLI's to say.
      if (elsewhere?.kind === 'group') (error as Error).message += `: \`glkeys token revoke ${id} --group ${elsewhere.path}\``;
      throw error;
    });
    this.say(
      revoked ? `Revoked deploy token ${id}.` : `Deploy token ${id} is already gone from ${describeTarget(target)}; nothing to revoke.`,
    );
    return { target: targetJson(target), id, revoked };
  }
}
