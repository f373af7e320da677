/** Where a deploy credential lives: a project or a group, by ID or path. */
import { ValidationError } from './errors.js';
import { encodeId, parseGitlabRef, refToParam, formatRef, type GitlabRef, type ParseRefOptions } from './ids/gitlab-ref.js';

export interface CredentialTarget {
  kind: 'project' | 'group';
  ref: GitlabRef;
}

/** Exactly one of project / group, as ESO's generator and the CLI take them. */
export function resolveTarget(
  input: { project?: string | number | undefined; group?: string | number | undefined },
  options: Omit<ParseRefOptions, 'field'> & { projectField?: string; groupField?: string } = {},
): CredentialTarget {
  const projectField = options.projectField ?? 'project';
  const groupField = options.groupField ?? 'group';
  const hasProject = input.project !== undefined && input.project !== '';
  const hasGroup = input.group !== undefined && input.group !== '';
  if (hasProject === hasGroup) {
    throw new ValidationError(
      `${projectField}/${groupField}`,
      'exactly one of project or group',
      `give exactly one of ${projectField} or ${groupField}`,
    );
  }
  const base = options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl };
  return hasProject
    ? { kind: 'project', ref: parseGitlabRef(input.project!, { ...base, field: projectField, kind: 'project' }) }
    : { kind: 'group', ref: parseGitlabRef(input.group!, { ...base, field: groupField, kind: 'group' }) };
}

export function targetParam(target: CredentialTarget): { projectId: string | number } | { groupId: string | number } {
  return target.kind === 'project' ? { projectId: refToParam(target.ref) } : { groupId: refToParam(target.ref) };
}

/** The target's API path, escaped: `projects/platform%2Fapps%2Fweb` or `groups/7`. */
export function targetPath(target: CredentialTarget): string {
  return `${target.kind === 'project' ? 'projects' : 'groups'}/${encodeId(target.ref)}`;
}

export function describeTarget(target: CredentialTarget): string {
  return `${target.kind} ${formatRef(target.ref)}`;
}
