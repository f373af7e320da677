import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, targetFlags } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab.js';
import { targetJson, tokenJson, type DeployTokenJson, type TargetJson } from '../../lib/present.js';
import { table } from '../../lib/table.js';
import { parseTarget } from '../../lib/targets.js';

export interface TokenListResult {
  target: TargetJson;
  tokens: DeployTokenJson[];
}

export default class TokenList extends GlkeysCommand<TokenListResult> {
  static override summary = 'List the deploy tokens of a project or group.';
  static override examples = [
    '<%= config.bin %> token list --project platform/apps/web',
    '<%= config.bin %> token list --group platform --active --json',
  ];
  static override flags = {
    ...targetFlags,
    active: Flags.boolean({ summary: 'Only tokens that are neither revoked nor expired.' }),
    ...hostFlags,
  };

  async run(): Promise<TokenListResult> {
    const { flags } = await this.parse(TokenList);
    const target = await parseTarget(flags);
    const { client } = await gitlabClient(flags);
    const { listDeployTokens } = await import('@glkeys/core');
    const tokens = (await listDeployTokens(client, target, { active: flags.active })).map(tokenJson);
    this.say(
      tokens.length === 0
        ? 'No deploy tokens.'
        : table(
            ['ID', 'NAME', 'USERNAME', 'SCOPES', 'EXPIRES', 'STATE'],
            tokens.map((t) => [t.id, t.name, t.username, t.scopes.join(','), t.expiresAt ?? 'never', t.revoked ? 'revoked' : t.expired ? 'expired' : 'active']),
          ),
    );
    return { target: targetJson(target), tokens };
  }
}
