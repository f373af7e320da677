import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, targetFlags } from '../../lib/flags.js';
import { tokenGet, type TokenGetResult } from '../../reads/tokens.js';

export type { TokenGetResult } from '../../reads/tokens.js';

export default class TokenGet extends GlkeysCommand<TokenGetResult> {
  static override summary = 'Show one deploy token (never its value: GitLab shows it only once).';
  static override examples = ['<%= config.bin %> token get 42 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...targetFlags, ...hostFlags };

  async run(): Promise<TokenGetResult> {
    const { args, flags } = await this.parse(TokenGet);
    return tokenGet(flags, args, { say: (line) => this.say(line) });
  }
}
