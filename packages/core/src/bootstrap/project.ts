/**
 * Finding or creating the project bootstrap syncs from. Lookup is by full path first (GitLab
 * answers a moved project's old path with a 301 that fetch follows), then by display name among
 * the owner's own projects, so a project whose path (slug) differs from its name is found instead
 * of re-created ("has already been taken": fluxcd/flux2#835, #4640, #4218).
 */
import { GitlabValidationError, NotFoundError, ValidationError } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { encodeId, parseGitlabRef } from '../ids/gitlab-ref.js';
import { checkPathSegments } from '../ids/path-rules.js';
import { findProjectByName } from './project-by-name.js';
import { shown } from '../shown.js';

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

/** A project as GitLab sends it (`GET /projects/:id`, `POST /projects`); `permissions` only on the single GET. */
export type ProjectRow = {
  id: number;
  name?: string;
  path?: string;
  path_with_namespace?: string;
  http_url_to_repo?: string;
  ssh_url_to_repo?: string;
  web_url?: string;
  default_branch?: string | null;
  visibility?: string;
  empty_repo?: boolean;
  permissions?: {
    project_access?: { access_level?: number } | null;
    group_access?: { access_level?: number } | null;
  };
  namespace?: { id: number; kind?: string; full_path?: string };
};

/** A namespace as GitLab sends it (`GET /namespaces/:id`). */
type NamespaceRow = { id: number; kind?: string; full_path?: string };

export interface NamespaceInfo {
  id: number;
  kind: 'user' | 'group';
  fullPath: string;
}

export interface EnsureProjectInput {
  /** User name or group path (`group/subgroup`). */
  owner: string;
  /** The project's name or path (Flux's `--repository`); found by path first, then by exact name. */
  repository: string;
  /** The owner is the caller's user namespace. */
  personal?: boolean;
  visibility?: Visibility;
  description?: string;
}

// GitLab's rule for a project name (not its path): letters, digits, emoji, "_", ".", "+", "-"
// and spaces, starting with a letter, digit, emoji or "_". "Fleet Infra" is a name; its path
// would be "fleet-infra".
const PROJECT_NAME = /^[\p{L}\p{N}\p{Extended_Pictographic}_][\p{L}\p{N}\p{Extended_Pictographic}_.+\- ]*$/u;

/**
 * Checks --owner, --repository and --visibility before any call; returns `owner/repository`
 * for messages. The repository may be a path segment or a project's display name.
 */
export function checkProjectCoordinates(input: { owner: string; repository: string; visibility?: string; personal?: boolean }): string {
  const owner = parseGitlabRef(input.owner, { field: 'owner' });
  if (owner.kind !== 'path')
    throw new ValidationError('owner', 'user or group path', 'owner: give a user name or group path, not a numeric ID');
  // A user's namespace is one segment; `a/b` can only be a group, so this needs no call.
  if (input.personal === true && owner.path.includes('/')) {
    throw new ValidationError(
      'personal',
      'a user namespace',
      `personal: owner ${shown(owner.path)} is a subgroup path, and a personal project needs a user as owner`,
    );
  }
  if (input.repository.includes('/')) {
    throw new ValidationError(
      'repository',
      'one path segment',
      `repository: ${shown(input.repository)} must be the project's name or path alone, without its group (the owner names that)`,
    );
  }
  if (!isProjectPath(input.repository)) {
    if (input.repository.length > 255 || input.repository !== input.repository.trim() || !PROJECT_NAME.test(input.repository)) {
      throw new ValidationError(
        'repository',
        'project path or name',
        `repository: ${shown(input.repository)} is neither a project path (letters, digits, "_", ".", "-") nor a project name (those, "+" and spaces, starting with a letter, digit or "_")`,
      );
    }
  }
  if (input.visibility !== undefined && !(VISIBILITIES as readonly string[]).includes(input.visibility)) {
    throw new ValidationError(
      'visibility',
      'private, internal or public',
      `visibility: ${shown(input.visibility)} is not one of ${VISIBILITIES.join(', ')}`,
    );
  }
  return `${owner.path}/${input.repository}`;
}

/** Whether `repository` can be a path segment (otherwise it can only be a display name). "2024" can. */
function isProjectPath(repository: string): boolean {
  try {
    return checkPathSegments('repository', repository).length === 1;
  } catch {
    return false;
  }
}

/**
 * The owner's project called `repository`: by path `owner/repository` when that can be a path,
 * then by exact display name among the owner's own projects.
 */
export async function findProjectIn(
  api: GitlabApi,
  owner: string,
  repository: string,
  options: GitlabCallOptions = {},
): Promise<ProjectInfo | undefined> {
  if (isProjectPath(repository)) {
    const byPath = await getProject(api, `${owner}/${repository}`, options);
    if (byPath !== undefined) return byPath;
  }
  const named = await findProjectByName(api, owner, repository, options);
  // The listing lacks `permissions`; the single GET has them, and preflight needs the role.
  return named && getProject(api, named.id, options);
}

/** A project by ID or full path; a path that answers 404 is then looked up by name in its namespace. */
export async function findProject(api: GitlabApi, ref: string | number, options: GitlabCallOptions = {}): Promise<ProjectInfo | undefined> {
  const parsed = parseGitlabRef(ref, { field: 'project' });
  const cut = parsed.kind === 'path' ? parsed.path.lastIndexOf('/') : -1;
  if (parsed.kind !== 'path' || cut < 0) return getProject(api, ref, options);
  return findProjectIn(api, parsed.path.slice(0, cut), parsed.path.slice(cut + 1), options);
}

/** GET /projects/:id only; undefined when GitLab answers 404. */
export async function getProject(api: GitlabApi, ref: string | number, options: GitlabCallOptions = {}): Promise<ProjectInfo | undefined> {
  try {
    const { body } = await api.request<ProjectRow>('GET', `projects/${encodeId(ref)}`, signalOnly(options));
    return toProjectInfo(body);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

export async function findNamespace(api: GitlabApi, path: string, options: GitlabCallOptions = {}): Promise<NamespaceInfo | undefined> {
  try {
    const { body: row } = await api.request<NamespaceRow>('GET', `namespaces/${encodeId(path)}`, signalOnly(options));
    return { id: Number(row.id), kind: row.kind === 'user' ? 'user' : 'group', fullPath: row.full_path ?? path };
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** What a caller already looked up (bootstrap's preflight), so it is not fetched or searched again. */
export interface ProjectLookup {
  project: ProjectInfo | undefined;
  namespace: NamespaceInfo | undefined;
}

/** Returns the project, creating it (private unless asked) when it does not exist. */
export async function ensureProject(
  api: GitlabApi,
  input: EnsureProjectInput,
  lookup?: ProjectLookup,
  options: GitlabCallOptions = {},
): Promise<{ project: ProjectInfo; created: boolean }> {
  checkProjectCoordinates(input);
  const existing = lookup ? lookup.project : await findProjectIn(api, input.owner, input.repository, options);
  if (existing) return { project: existing, created: false };

  const namespace = lookup?.namespace ?? (await findNamespace(api, input.owner, options));
  if (!namespace) {
    throw new NotFoundError(
      'NOT_FOUND',
      `Namespace ${shown(input.owner)} does not exist or is not visible to this token; check the owner.`,
      {
        request: { method: 'GET', path: `namespaces/${encodeId(input.owner)}` },
        status: 404,
      },
    );
  }
  if (input.personal && namespace.kind !== 'user') {
    throw new ValidationError(
      'personal',
      'a user namespace',
      `personal: owner ${shown(input.owner)} is a group; a personal project needs a user as owner`,
    );
  }
  try {
    const { body } = await api.request<ProjectRow>('POST', 'projects', {
      ...signalOnly(options),
      // Only the name: GitLab derives the path from it (lowercase, dashes), as when a person
      // creates the project in the UI; the result carries the real path.
      body: {
        name: input.repository,
        namespace_id: namespace.id,
        visibility: input.visibility ?? 'private',
        ...(input.description ? { description: input.description } : {}),
      },
    });
    return { project: toProjectInfo(body), created: true };
  } catch (error) {
    // Neither the path nor the exact name matched, yet GitLab says taken: it compares ignoring
    // letter case, or the project is one this token cannot list.
    if (error instanceof GitlabValidationError && /(name|path).*already been taken/i.test(error.gitlabMessage ?? '')) {
      throw new GitlabValidationError(
        'GITLAB_VALIDATION',
        `A project named ${shown(input.repository)} (ignoring letter case) already exists in ${input.owner} but is not visible under that exact name or path to this token. Pass that project's exact name or its path (the last part of its URL) as the repository.`,
        {
          request: error.request,
          ...(error.status === undefined ? {} : { status: error.status }),
          ...(error.gitlabMessage ? { gitlabMessage: error.gitlabMessage } : {}),
        },
      );
    }
    throw error;
  }
}

export function toProjectInfo(row: ProjectRow): ProjectInfo {
  const permissions = row.permissions;
  const levels = [permissions?.project_access?.access_level, permissions?.group_access?.access_level].filter(
    (n): n is number => typeof n === 'number',
  );
  const ns = row.namespace;
  return {
    id: Number(row.id),
    name: row.name ?? '',
    path: row.path ?? '',
    pathWithNamespace: row.path_with_namespace ?? '',
    httpUrl: row.http_url_to_repo ?? '',
    sshUrl: row.ssh_url_to_repo ?? '',
    webUrl: row.web_url ?? '',
    defaultBranch: typeof row.default_branch === 'string' ? row.default_branch : null,
    visibility: row.visibility ?? '',
    emptyRepo: row.empty_repo === true,
    accessLevel: permissions ? Math.max(0, ...levels) : undefined,
    namespace: ns ? { id: Number(ns.id), kind: ns.kind ?? '', fullPath: ns.full_path ?? '' } : undefined,
  };
}
