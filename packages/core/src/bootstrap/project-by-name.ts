/**
 * Finding a project by its display name inside one namespace. Flux's `--repository` names the
 * project, and GitLab lets a project's path (slug) drift from its name after a rename, so the
 * path lookup alone re-creates a project that exists ("has already been taken": fluxcd/flux2#835).
 */
import { GlkeysError } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { unlessNotFound } from '../gitlab/not-found.js';
import { encodeId } from '../ids/gitlab-ref.js';
import { shown } from '../shown.js';

// A search narrowed to one name rarely needs a second page of 100; the cap keeps a
// pathological namespace from turning one lookup into hundreds of calls.
const MAX_PAGES = 10;

export interface NamedProjectRow {
  id: number;
  name: string;
  pathWithNamespace: string;
}

/**
 * The project directly in `owner` (not a subgroup) whose name is exactly `name`; undefined when
 * none is. Several such projects (GitLab allowed duplicate names before it enforced uniqueness)
 * are refused with their paths, since picking one would be a guess.
 */
export async function findProjectByName(
  api: GitlabApi,
  owner: string,
  name: string,
  options: GitlabCallOptions = {},
): Promise<NamedProjectRow | undefined> {
  const rows = await namespaceProjects(api, owner, name, options);
  const matches = rows.filter((row) => row.name === name && row.namespacePath.toLowerCase() === owner.toLowerCase());
  if (matches.length > 1) {
    throw new GlkeysError(
      'CONFLICT',
      `Several projects in ${owner} are named ${shown(name)}: ${matches
        .map((m) => m.pathWithNamespace)
        .sort()
        .join(', ')}. Pass the path of the one you mean (the last part of its URL) as the repository.`,
    );
  }
  const [match] = matches;
  return match && { id: match.id, name: match.name, pathWithNamespace: match.pathWithNamespace };
}

interface SearchRow extends NamedProjectRow {
  namespacePath: string;
}

/** A project of a listing as GitLab sends it (`GET /groups/:id/projects`, `/users/:id/projects`). */
type ListedProjectRow = {
  id: number;
  name?: string;
  path_with_namespace?: string;
  namespace?: { full_path?: string } | null;
};

/** The owner's own projects matching `search`: a group's (without subgroups), else a user's. */
async function namespaceProjects(api: GitlabApi, owner: string, search: string, options: GitlabCallOptions): Promise<SearchRow[]> {
  const group = await searchPages(
    api,
    `groups/${encodeId(owner)}/projects`,
    { search, include_subgroups: 'false', with_shared: 'false' },
    options,
  );
  if (group !== undefined) return group;
  // A user namespace is one segment; GitLab takes the username as `:user_id`.
  if (owner.includes('/')) return [];
  return (await searchPages(api, `users/${encodeId(owner)}/projects`, { search }, options)) ?? [];
}

/** All pages of a project listing (at most MAX_PAGES); undefined when the namespace answers 404. */
async function searchPages(
  api: GitlabApi,
  path: string,
  query: Record<string, string>,
  options: GitlabCallOptions,
): Promise<SearchRow[] | undefined> {
  const rows = await unlessNotFound(api.paginate<ListedProjectRow>(path, query, { maxPages: MAX_PAGES, ...signalOnly(options) }));
  return rows?.map(toSearchRow);
}

function toSearchRow(row: ListedProjectRow): SearchRow {
  return {
    id: Number(row.id),
    name: row.name ?? '',
    pathWithNamespace: row.path_with_namespace ?? '',
    namespacePath: row.namespace?.full_path ?? '',
  };
}
