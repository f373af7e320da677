// Presenters shared by several routes: users, namespaces and projects in the
// shapes of GitLab's API entities (API::Entities::UserBasic, NamespaceBasic, Project).
import type { RouteContext } from '../router.js';
import type { Namespace, Project, User } from '../state/model.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { projectLevel, projectPermissions } from '../state/access.js';
import { toBool } from '../http/params.js';
import { branchHistory } from '../state/repository.js';
import { detectLicense } from './license.js';

export function userBasic(ctx: RouteContext, u: User): Record<string, unknown> {
  return {
    id: u.id,
    username: u.username,
    public_email: null,
    name: u.name,
    state: u.state,
    locked: false,
    avatar_url: null,
    web_url: `${ctx.baseUrl}/${u.username}`,
  };
}

export function namespaceBasic(ctx: RouteContext, n: Namespace): Record<string, unknown> {
  return {
    id: n.id,
    name: n.name,
    path: n.path,
    kind: n.kind,
    full_path: n.fullPath,
    parent_id: n.parentId,
    avatar_url: null,
    web_url: n.kind === 'group' ? `${ctx.baseUrl}/groups/${n.fullPath}` : `${ctx.baseUrl}/${n.fullPath}`,
  };
}

function accessEntity(level: number): { access_level: number; notification_level: number } | null {
  // notification_level 3 = "global", the default GitLab reports for members.
  return level > 0 ? { access_level: level, notification_level: 3 } : null;
}

/** API::Entities::Project (+ `permissions` for GET /projects/:id, i.e. ProjectWithAccess). */
export function projectEntity(ctx: RouteContext, p: Project, withPermissions: boolean): Record<string, unknown> {
  const ns = ctx.state.namespace(p.namespaceId);
  const fullPath = ctx.state.projectFullPath(p);
  const host = new URL(ctx.baseUrl).hostname;
  const apiProject = `${ctx.baseUrl}/api/v4/projects/${p.id}`;
  const owner = ns?.kind === 'user' && ns.ownerId !== null ? ctx.state.users.get(ns.ownerId) : undefined;
  const entity: Record<string, unknown> = {
    id: p.id,
    description: p.description,
    name: p.name,
    name_with_namespace: `${
      ns
        ? ctx.state
            .ancestry(ns.id)
            .reverse()
            .map((n) => n.name)
            .join(' / ')
        : ''
    } / ${p.name}`,
    path: p.path,
    path_with_namespace: fullPath,
    created_at: p.createdAt,
    default_branch: p.branches.size > 0 ? p.defaultBranch : null,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${fullPath}.git`,
    http_url_to_repo: `${ctx.baseUrl}/${fullPath}.git`,
    web_url: `${ctx.baseUrl}/${fullPath}`,
    readme_url: p.branches.get(p.defaultBranch ?? '')?.files.has('README.md')
      ? `${ctx.baseUrl}/${fullPath}/-/blob/${p.defaultBranch}/README.md`
      : null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: p.createdAt,
    visibility: p.visibility,
    namespace: ns ? namespaceBasic(ctx, ns) : null,
    container_registry_image_prefix: `${host}/${fullPath}`,
    _links: {
      self: apiProject,
      issues: `${apiProject}/issues`,
      merge_requests: `${apiProject}/merge_requests`,
      repo_branches: `${apiProject}/repository/branches`,
      labels: `${apiProject}/labels`,
      events: `${apiProject}/events`,
      members: `${apiProject}/members`,
      cluster_agents: `${apiProject}/cluster_agents`,
    },
    packages_enabled: true,
    empty_repo: p.branches.size === 0,
    archived: false,
    resolve_outdated_diff_discussions: false,
    repository_object_format: 'sha1',
    issues_enabled: true,
    merge_requests_enabled: true,
    wiki_enabled: true,
    jobs_enabled: true,
    snippets_enabled: true,
    container_registry_enabled: true,
    service_desk_enabled: false,
    can_create_merge_request_in: true,
    issues_access_level: 'enabled',
    repository_access_level: 'enabled',
    merge_requests_access_level: 'enabled',
    forking_access_level: 'enabled',
    wiki_access_level: 'enabled',
    builds_access_level: 'enabled',
    snippets_access_level: 'enabled',
    pages_access_level: 'private',
    container_registry_access_level: 'enabled',
    emails_disabled: false,
    emails_enabled: true,
    shared_runners_enabled: true,
    lfs_enabled: true,
    creator_id: p.creatorId,
    import_status: 'none',
    open_issues_count: 0,
    updated_at: p.createdAt,
    ci_default_git_depth: 20,
    ci_config_path: null,
    public_jobs: true,
    shared_with_groups: [],
    only_allow_merge_if_pipeline_succeeds: false,
    request_access_enabled: true,
    merge_method: 'merge',
    squash_option: 'default_off',
    only_allow_merge_if_all_discussions_are_resolved: false,
    allow_merge_on_skipped_pipeline: null,
    remove_source_branch_after_merge: true,
    printing_merge_request_link_enabled: true,
    autoclose_referenced_issues: true,
    build_timeout: 3600,
    ...p.settings,
  };
  // `statistics=true`: only for callers who may read them (read_statistics, Reporter and above).
  if (toBool(ctx.query.get('statistics') ?? undefined) === true && projectLevel(ctx.state, ctx.user, p) >= ACCESS_LEVEL.reporter) {
    entity['statistics'] = projectStatistics(p);
  }
  // `license=true` on GET /projects/:id: the license file of the default branch, as GitLab detects it.
  if (withPermissions && toBool(ctx.query.get('license') ?? undefined) === true) {
    const found = p.branches.size > 0 ? detectLicense(p.branches.get(p.defaultBranch ?? '')?.files) : null;
    entity['license_url'] = found ? `${ctx.baseUrl}/${fullPath}/-/blob/${p.defaultBranch}/${found.path}` : null;
    entity['license'] = found ? found.license : null;
  }
  if (owner) entity['owner'] = userBasic(ctx, owner);
  if (withPermissions) {
    const perms = projectPermissions(ctx.state, ctx.user, p);
    entity['permissions'] = { project_access: accessEntity(perms.project), group_access: accessEntity(perms.group) };
  }
  return entity;
}

/** API::Entities::ProjectStatistics: the repository is the only storage the simulator has. */
function projectStatistics(p: Project): Record<string, number> {
  const blobs = new Map<string, number>();
  for (const b of p.branches.values()) for (const [path, f] of b.files) blobs.set(`${path}\0${f.lastCommitId}`, f.content.length);
  const repositorySize = [...blobs.values()].reduce((a, b) => a + b, 0);
  const branch = p.branches.get(p.defaultBranch ?? '');
  return {
    commit_count: branch ? branchHistory(p, branch).length : 0,
    storage_size: repositorySize,
    repository_size: repositorySize,
    wiki_size: 0,
    lfs_objects_size: 0,
    job_artifacts_size: 0,
    pipeline_artifacts_size: 0,
    packages_size: 0,
    snippets_size: 0,
    uploads_size: 0,
    container_registry_size: 0,
  };
}

/** Member entity for /members/all/:user_id. */
export function memberEntity(ctx: RouteContext, u: User, level: number): Record<string, unknown> {
  return {
    ...userBasic(ctx, u),
    access_level: level,
    created_at: u.createdAt,
    expires_at: null,
    membership_state: 'active',
  };
}
