import { Args } from '@oclif/core';
import { GlkeysCommand } from '../../lib/base-command.js';
import { hostFlags, idArg, projectFlag } from '../../lib/flags.js';
import { gitlabClient } from '../../lib/gitlab.js';
import { keyJson, type DeployKeyJson } from '../../lib/present.js';
import { parseId, parseProject } from '../../lib/targets.js';

export interface KeyGetResult {
  project: string;
  key: DeployKeyJson & { publicKey: string };
}

export default class KeyGet extends GlkeysCommand<KeyGetResult> {
  static override summary = 'Show one deploy key of a project (public half and fingerprint).';
  static override examples = ['<%= config.bin %> key get 7 --project platform/apps/web'];
  static override args = { id: Args.string({ ...idArg, required: true }) };
  static override flags = { ...projectFlag, ...hostFlags };

  async run(): Promise<KeyGetResult> {
    const { args, flags } = await this.parse(KeyGet);
    const id = parseId(args.id);
    const project = await parseProject(flags);
    const { client } = await gitlabClient(flags);
    const core = await import('@glkeys/core');
    const key = await core.getDeployKey(client, project, id);
    if (!key) {
      throw new core.NotFoundError('NOT_FOUND', `Deploy key ${id} is not enabled on project ${core.formatRef(project)}.`, { request: { method: 'GET', path: 'deploy_keys' }, status: 404 });
    }
    const json = { ...keyJson(key), publicKey: key.key };
    this.say(`ID           ${json.id}\nTitle        ${json.title}\nFingerprint  ${json.fingerprintSha256 ?? '-'}\nWrite        ${json.canPush}\nExpires      ${json.expiresAt ?? 'never'}\nPublic key   ${json.publicKey}`);
    return { project: core.formatRef(project), key: json };
  }
}
