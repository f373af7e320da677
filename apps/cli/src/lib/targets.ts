/** Parses --project/--group before any network call, so a bad ID exits 2 with nothing sent. */
import type { CredentialTarget, GitlabRef } from '@glkeys/core/read';
import { resolveHost } from './gitlab.js';
import { shown } from '@glkeys/core/read';

export async function parseTarget(flags: {
  project?: string | undefined;
  group?: string | undefined;
  hostname?: string | undefined;
}): Promise<CredentialTarget> {
  const core = await import('@glkeys/core/read');
  const baseUrl = core.normalizeHost(resolveHost(flags.hostname), 'hostname');
  return core.resolveTarget({ project: flags.project, group: flags.group }, { baseUrl, projectField: '--project', groupField: '--group' });
}

export async function parseProject(flags: { project: string; hostname?: string | undefined }): Promise<GitlabRef> {
  const target = await parseTarget({ project: flags.project, hostname: flags.hostname });
  return target.ref;
}

export function parseId(value: string, field = 'ID'): number {
  if (!/^\d+$/.test(value) || Number(value) <= 0 || !Number.isSafeInteger(Number(value))) {
    const error = new Error(`${field}: ${shown(value)} must be a positive whole number`) as Error & {
      code: string;
      field: string;
      rule: string;
    };
    error.code = 'VALIDATION';
    error.field = field;
    error.rule = 'positive integer ID';
    throw error;
  }
  return Number(value);
}
