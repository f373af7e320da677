import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { parseId, parseProject } from '../../lib/targets.js';

export interface KeyDeleteResult {
  project: string;
  id: number;
  /** false when the key was already gone (still success). */
  deleted: boolean;
}

export default class KeyDelete extends GlkeysCommand<KeyDeleteResult> {
  static override summary = 'Remove a deploy key from a project. A key that is already gone counts as deleted.';
  static override examples = ['<%= config.bin %> key delete 7 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyDeleteResult> {
    const { args, flags } = await this.parse(KeyDelete);
    const id = parseId(args.id);
    const project = await parseProject(flags);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const deleted = await core.deleteDeployKey(client, project, id);
    this.say(deleted ? `Deleted deploy key ${id}.` : `Deploy key ${id} was already gone.`);
    return { project: core.formatRef(project), id, deleted };
  }
}
