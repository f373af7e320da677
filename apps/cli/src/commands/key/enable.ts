import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab-client.js';
import { keyJson, type DeployKeyJson } from '../../lib/present.js';
import { parseId, parseProject } from '../../lib/targets.js';

export interface KeyEnableResult {
  project: string;
  key: DeployKeyJson;
}

export default class KeyEnable extends GlkeysCommand<KeyEnableResult> {
  static override summary = 'Enable an existing deploy key (by ID, from another project) on a project.';
  static override examples = ['<%= config.bin %> key enable 7 --project platform/apps/api'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyEnableResult> {
    const { args, flags } = await this.parse(KeyEnable);
    const id = parseId(args.id);
    const project = await parseProject(flags);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const key = keyJson(await core.enableDeployKey(client, project, id));
    this.say(`Enabled deploy key ${key.id} (${key.title}) on ${core.formatRef(project)}.`);
    return { project: core.formatRef(project), key };
  }
}
