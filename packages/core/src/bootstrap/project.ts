/**
 * Finding or creating the project bootstrap syncs from. Lookup is by full path (GitLab
 * answers a moved project's old path with a 301 that fetch follows), never by name, so a
 * project whose display name differs from its path is found instead of re-created
 * ("has already been taken": fluxcd/flux2#835, #4640, #4218).
 */
import { GitlabValidationError, NotFoundError, ValidationError } from '../errors.js';
import type { GitlabClient } from '../gitlab/client.js';
import { encodeId, parseGitlabRef } from '../ids/gitlab-ref.js';

export type Visibility = 'private' | 'internal' | 'public';
export const VISIBILITIES: readonly Visibility[] = ['private', 'internal', 'public'];

export interface ProjectInfo {
  id: number;
  name: string;
  path: string;
  pathWithNamespace: string;
  httpUrl: string;
  sshUrl: string;
  webUrl: string;
  defaultBranch: string | null;
  visibility: string;
  emptyRepo: boolean;
  /** The caller's access level (max of project and group access), when GitLab said. */
  accessLevel: number | undefined;
  namespace: { id: number; kind: string; fullPath: string } | undefined;
}

export interface NamespaceInfo {
  id: number;
  kind: 'user' | 'group';
  fullPath: string;
}

export interface EnsureProjectInput {
  /** User name or group path (`group/subgroup`). */
  owner: string;
  /** The project's path (last URL segment). */
  repository: string;
  /** The owner is the caller's user namespace. */
  personal?: boolean;
  visibility?: Visibility;
  description?: string;
}

export function checkProjectCoordinates(input: { owner: string; repository: string; visibility?: string }): string {
  const owner = parseGitlabRef(input.owner, { field: 'owner' });
  if (owner.kind !== 'path') throw new ValidationError('owner', 'user or group path', 'owner: give a user name or group path, not a numeric ID');
  const repo = parseGitlabRef(input.repository, { field: 'repository' });
  if (repo.kind !== 'path' || repo.path.includes('/')) {
    throw new ValidationError('repository', 'one path segment', `repository: "${input.repository}" must be the project's own path, without its group (use --owner for that)`);
  }
  if (input.visibility !== undefined && !(VISIBILITIES as readonly string[]).includes(input.visibility)) {
    throw new ValidationError('visibility', 'private, internal or public', `visibility: "${input.visibility}" is not one of ${VISIBILITIES.join(', ')}`);
  }
  return `${owner.path}/${repo.path}`;
}

/** GET /projects/:id; undefined when GitLab answers 404. */
export async function findProject(client: GitlabClient, ref: string | number): Promise<ProjectInfo | undefined> {
  try {
    const { body } = await client.request('GET', `projects/${encodeId(ref)}`);
    return toProjectInfo(body as Record<string, unknown>);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export async function findNamespace(client: GitlabClient, path: string): Promise<NamespaceInfo | undefined> {
  try {
    const { body } = await client.request('GET', `namespaces/${encodeId(path)}`);
    const row = body as Record<string, unknown>;
    return { id: Number(row.id), kind: row.kind === 'user' ? 'user' : 'group', fullPath: String(row.full_path ?? path) };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Returns the project, creating it (private unless asked) when it does not exist. */
export async function ensureProject(
  client: GitlabClient,
  input: EnsureProjectInput,
  known?: ProjectInfo,
): Promise<{ project: ProjectInfo; created: boolean }> {
  const fullPath = checkProjectCoordinates(input);
  const existing = known ?? (await findProject(client, fullPath));
  if (existing) return { project: existing, created: false };

  const namespace = await findNamespace(client, input.owner);
  if (!namespace) {
    throw new NotFoundError('NOT_FOUND', `Namespace "${input.owner}" does not exist or is not visible to this token; check --owner.`, {
      request: { method: 'GET', path: `namespaces/${encodeId(input.owner)}` },
      status: 404,
    });
  }
  if (input.personal && namespace.kind !== 'user') {
    throw new ValidationError('owner', 'user with --personal', `owner: "${input.owner}" is a group; drop --personal for a group project`);
  }
  try {
    const { body } = await client.request('POST', 'projects', {
      body: {
        name: input.repository,
        path: input.repository,
        namespace_id: namespace.id,
        visibility: input.visibility ?? 'private',
        ...(input.description ? { description: input.description } : {}),
      },
    });
    return { project: toProjectInfo(body as Record<string, unknown>), created: true };
  } catch (error) {
    if (error instanceof GitlabValidationError && /name.*already been taken/i.test(error.gitlabMessage ?? '')) {
      throw new GitlabValidationError(
        'GITLAB_VALIDATION',
        `A project named "${input.repository}" already exists in ${input.owner} under another path. Pass that project's path (the last part of its URL) as --repository.`,
        { request: error.request, ...(error.status === undefined ? {} : { status: error.status }), ...(error.gitlabMessage ? { gitlabMessage: error.gitlabMessage } : {}) },
      );
    }
    throw error;
  }
}

export function toProjectInfo(row: Record<string, unknown>): ProjectInfo {
  const permissions = row.permissions as { project_access?: { access_level?: number } | null; group_access?: { access_level?: number } | null } | undefined;
  const levels = [permissions?.project_access?.access_level, permissions?.group_access?.access_level].filter((n): n is number => typeof n === 'number');
  const ns = row.namespace as Record<string, unknown> | undefined;
  return {
    id: Number(row.id),
    name: String(row.name ?? ''),
    path: String(row.path ?? ''),
    pathWithNamespace: String(row.path_with_namespace ?? ''),
    httpUrl: String(row.http_url_to_repo ?? ''),
    sshUrl: String(row.ssh_url_to_repo ?? ''),
    webUrl: String(row.web_url ?? ''),
    defaultBranch: typeof row.default_branch === 'string' ? row.default_branch : null,
    visibility: String(row.visibility ?? ''),
    emptyRepo: row.empty_repo === true,
    accessLevel: permissions ? Math.max(0, ...levels) : undefined,
    namespace: ns ? { id: Number(ns.id), kind: String(ns.kind ?? ''), fullPath: String(ns.full_path ?? '') } : undefined,
  };
}
