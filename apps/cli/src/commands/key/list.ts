import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, projectFlag } from '../../lib/flags.js';
import { keyList, type KeyListResult } from '../../reads/keys.js';

export type { KeyListResult } from '../../reads/keys.js';

export default class KeyList extends GlkeysCommand<KeyListResult> {
  static override summary = 'List the deploy keys enabled on a project.';
  static override examples = ['<%= config.bin %> key list --project platform/apps/web', '<%= config.bin %> key list --project 42 --json'];
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyListResult> {
    const { flags } = await this.parse(KeyList);
    return keyList(flags, { say: (line) => this.say(line) });
  }
}
