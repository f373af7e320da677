/**
 * The bodies of `key list` and `key get`: shared by the oclif commands and the fast path
 * (src/fast-path), so both print the same thing. They load only `@glkeys/core/read`.
 */
import { gitlabReader, type ClientFlags } from '../lib/gitlab.js';
import { keyJson, type DeployKeyJson } from '../lib/present.js';
import { table } from '../lib/table.js';
import { parseId, parseProject } from '../lib/targets.js';
import type { ReadIo } from './io.js';

export interface ProjectFlags extends ClientFlags {
  project: string;
}

export interface KeyListResult {
  project: string;
  keys: DeployKeyJson[];
}

export interface KeyGetResult {
  project: string;
  key: DeployKeyJson & { publicKey: string };
}

export async function keyList(flags: ProjectFlags, io: ReadIo): Promise<KeyListResult> {
  const project = await parseProject(flags);
  const api = await gitlabReader(flags);
  const core = await import('@glkeys/core/read');
  const keys = (await core.listDeployKeys(api, project)).map(keyJson);
  io.say(
    keys.length === 0
      ? 'No deploy keys.'
      : table(
          ['ID', 'TITLE', 'FINGERPRINT', 'WRITE', 'EXPIRES'],
          keys.map((k) => [k.id, k.title, k.fingerprintSha256, k.canPush, k.expiresAt ?? 'never']),
        ),
  );
  return { project: core.formatRef(project), keys };
}

export async function keyGet(flags: ProjectFlags, args: { id: string }, io: ReadIo): Promise<KeyGetResult> {
  const id = parseId(args.id);
  const project = await parseProject(flags);
  const api = await gitlabReader(flags);
  const core = await import('@glkeys/core/read');
  const key = await core.getDeployKey(api, project, id);
  if (!key) {
    throw new core.NotFoundError('NOT_FOUND', `Deploy key ${id} is not enabled on project ${core.formatRef(project)}.`, {
      request: { method: 'GET', path: 'deploy_keys' },
      status: 404,
    });
  }
  const json = { ...keyJson(key), publicKey: key.key };
  io.say(
    `ID           ${json.id}\nTitle        ${json.title}\nFingerprint  ${json.fingerprintSha256 ?? '-'}\nWrite        ${json.canPush}\nExpires      ${json.expiresAt ?? 'never'}\nPublic key   ${json.publicKey}`,
  );
  return { project: core.formatRef(project), key: json };
}
