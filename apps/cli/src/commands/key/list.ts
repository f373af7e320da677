import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab.js';
import { keyJson, type DeployKeyJson } from '../../lib/present.js';
import { table } from '../../lib/table.js';
import { parseProject } from '../../lib/targets.js';

export interface KeyListResult {
  project: string;
  keys: DeployKeyJson[];
}

export default class KeyList extends GlkeysCommand<KeyListResult> {
  static override summary = 'List the deploy keys enabled on a project.';
  static override examples = ['<%= config.bin %> key list --project platform/apps/web', '<%= config.bin %> key list --project 42 --json'];
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyListResult> {
    const { flags } = await this.parse(KeyList);
    const project = await parseProject(flags);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const keys = (await core.listDeployKeys(client, project)).map(keyJson);
    this.say(keys.length === 0 ? 'No deploy keys.' : table(['ID', 'TITLE', 'FINGERPRINT', 'WRITE', 'EXPIRES'], keys.map((k) => [k.id, k.title, k.fingerprintSha256, k.canPush, k.expiresAt ?? 'never'])));
    return { project: core.formatRef(project), keys };
  }
}
