import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { parseId, parseProject } from '../../lib/targets.js';

export interface KeyDeleteResult {
  project: string;
  id: number;
  /** false when the key is not (or no longer) on a project that exists and the token can see (still success). */
  deleted: boolean;
}

export default class KeyDelete extends GlkeysCommand<KeyDeleteResult> {
  static override summary = 'Remove a deploy key from a project. A key already gone from an existing project counts as deleted.';
  static override description =
    'GitLab answers 404 alike for a key that is gone, a typo in --project and a project the token cannot see; ' +
    'glkeys then reads the project: only when it exists is the key "already gone" (exit 0). Otherwise it fails (exit 4) naming --project.';
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
    this.say(
      deleted
        ? `Deleted deploy key ${id}.`
        : `Deploy key ${id} is already gone from project ${core.formatRef(project)}; nothing to delete.`,
    );
    return { project: core.formatRef(project), id, deleted };
  }
}
