// GET /projects/:id, POST /projects, GET /projects/:id/members/all/:user_id.
import type { RouteContext, Router } from '../router.js';
import { json, gitlabError } from '../http/response.js';
import { isPresentString, toBool, scalarText } from '../http/params.js';
import { ACCESS_LEVEL, type Visibility } from '../state/model.js';
import { groupLevel, projectPermissions } from '../state/access.js';
import { createCommit } from '../state/repository.js';
import { nowIso } from '../state/ids.js';
import { intParam, requireProject } from './lookup.js';
import { memberEntity, projectEntity } from './present.js';
import { readProjectSettings } from './project-settings.js';

// Project::path validation (Gitlab::PathRegex.project_path_format_regex).
const PROJECT_PATH = /^[a-zA-Z0-9_.][a-zA-Z0-9_.-]*$/;
const PROJECT_PATH_MESSAGE = "can contain only letters, digits, '_', '-' and '.'. Cannot start with '-', end in '.git' or end in '.atom'";
const VISIBILITIES: Visibility[] = ['private', 'internal', 'public'];

/** What GitLab derives from a name when no path is given (String#parameterize). */
function pathFromName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
}

function createProject(ctx: RouteContext) {
  const { input, state } = ctx;
  const user = ctx.user!;
  const hasName = isPresentString(input['name']) && String(input['name']) !== '';
  const hasPath = isPresentString(input['path']) && String(input['path']) !== '';
  if (!hasName && !hasPath) throw gitlabError.invalidParams(['name, path are missing, at least one parameter must be provided']);
  const paramErrors: string[] = [];
  const visibility = input['visibility'] ?? 'private';
  if (!VISIBILITIES.includes(visibility as Visibility)) paramErrors.push('visibility does not have a valid value');
  const nsRaw = input['namespace_id'];
  if (nsRaw !== undefined && !/^\d+$/.test(scalarText(nsRaw))) paramErrors.push('namespace_id is invalid');
  const readme = toBool(input['initialize_with_readme']);
  if (readme === null) paramErrors.push('initialize_with_readme is invalid');
  const { settings, errors: settingErrors } = readProjectSettings(input);
  paramErrors.push(...settingErrors);
  if (paramErrors.length > 0) throw gitlabError.invalidParams(paramErrors);

  const name = hasName ? String(input['name']) : String(input['path']);
  const path = hasPath ? String(input['path']) : pathFromName(name);
  const namespace = nsRaw === undefined ? state.namespace(user.namespaceId) : state.namespace(Number(nsRaw));

  const errors: Record<string, string[]> = {};
  const canCreate =
    namespace !== undefined &&
    (namespace.kind === 'user'
      ? namespace.ownerId === user.id || user.admin
      : // GitLab's default project creation level: Developers and above (DEVELOPER_PROJECT_ACCESS).
        groupLevel(state, user, namespace) >= ACCESS_LEVEL.developer);
  if (!canCreate) errors['namespace'] = ['is not valid'];
  if (!PROJECT_PATH.test(path) || /\.(git|atom)$/.test(path)) errors['path'] = [PROJECT_PATH_MESSAGE];
  if (name.length > 255) errors['name'] = ['is too long (maximum is 255 characters)'];
  if (namespace) {
    const siblings = [...state.projectTable.values()].filter((p) => p.namespaceId === namespace.id);
    if (siblings.some((p) => p.name.toLowerCase() === name.toLowerCase())) (errors['name'] ??= []).push('has already been taken');
    if (siblings.some((p) => p.path.toLowerCase() === path.toLowerCase())) (errors['path'] ??= []).push('has already been taken');
  }
  if (Object.keys(errors).length > 0 || !namespace) throw gitlabError.badRequest(errors);

  const defaultBranch = isPresentString(input['default_branch']) ? String(input['default_branch']) : 'main';
  const project = state.addProject({
    name,
    path,
    namespaceId: namespace.id,
    description: isPresentString(input['description']) ? String(input['description']) : '',
    visibility: visibility as Visibility,
    defaultBranch,
    createdAt: nowIso(),
    creatorId: user.id,
    // The creator becomes a direct Maintainer of a group project; in a personal
    // namespace ownership already comes from the namespace.
    members: new Map(namespace.kind === 'group' ? [[user.id, ACCESS_LEVEL.maintainer]] : []),
    previousPaths: [],
    settings,
  });
  if (readme === true) {
    createCommit(project, {
      branch: defaultBranch,
      message: 'Initial commit',
      actions: [{ action: 'create', file_path: 'README.md', content: `# ${name}\n` }],
      authorName: user.name,
      authorEmail: user.email,
    });
  }
  return json(201, projectEntity(ctx, project, false));
}

export function registerProjectRoutes(router: Router): void {
  router.add({
    method: 'GET',
    template: '/projects/:id',
    auth: 'optional',
    handler: (ctx) => {
      const errors: string[] = [];
      for (const name of ['statistics', 'license', 'with_custom_attributes']) {
        if (toBool(ctx.query.get(name) ?? undefined) === null) errors.push(`${name} is invalid`);
      }
      if (errors.length > 0) throw gitlabError.invalidParams(errors);
      return json(200, projectEntity(ctx, requireProject(ctx), true));
    },
  });

  router.add({ method: 'POST', template: '/projects', auth: 'required', handler: createProject });

  router.add({
    method: 'GET',
    template: '/projects/:id/members/all/:user_id',
    auth: 'required',
    handler: (ctx) => {
      const project = requireProject(ctx);
      const user = ctx.state.users.get(intParam(ctx, 'user_id'));
      const perms = user ? projectPermissions(ctx.state, user, project) : { project: 0, group: 0 };
      const level = Math.max(perms.project, perms.group);
      if (!user || level === 0) throw gitlabError.notFound();
      return json(200, memberEntity(ctx, user, level));
    },
  });
}
