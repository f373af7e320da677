import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, projectFlag } from '../../lib/flags.js';
import { keyGet, type KeyGetResult } from '../../reads/keys.js';

export type { KeyGetResult } from '../../reads/keys.js';

export default class KeyGet extends GlkeysCommand<KeyGetResult> {
  static override summary = 'Show one deploy key of a project (public half and fingerprint).';
  static override examples = ['<%= config.bin %> key get 7 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyGetResult> {
    const { args, flags } = await this.parse(KeyGet);
    return keyGet(flags, args, { say: (line) => this.say(line) });
  }
}
