import { Flags } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, targetFlags } from '../../lib/flags.js';
import { tokenList, type TokenListResult } from '../../reads/tokens.js';

export type { TokenListResult } from '../../reads/tokens.js';

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
    return tokenList(flags, { say: (line) => this.say(line) });
  }
}
