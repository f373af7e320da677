// Resolving `:id` the way GitLab's find_project!/find_group! do, including the
// 404-not-403 rule and redirects of moved projects.
import type { RouteContext } from '../router.js';
import type { Namespace, Project } from '../state/model.js';
import { canReadGroup, canReadProject, groupLevel, projectLevel } from '../state/access.js';
import { HttpError, gitlabError, json, text } from '../http/response.js';

/** The project named by `:id`, readable by the caller, with at least `minLevel` (else 403). */
export function requireProject(ctx: RouteContext, minLevel = 0): Project {
  const ref = ctx.params['id'] ?? '';
  const project = ctx.state.projectByRef(ref);
  if (!project) {
    const moved = /^-?\d+$/.test(ref) ? undefined : ctx.state.movedProject(ref);
    if (moved && canReadProject(ctx.state, ctx.user, moved)) throw redirect(ctx, moved);
    throw gitlabError.notFound('Project');
  }
  if (!canReadProject(ctx.state, ctx.user, project)) throw gitlabError.notFound('Project');
  if (minLevel > 0 && projectLevel(ctx.state, ctx.user, project) < minLevel) throw gitlabError.forbidden();
  return project;
}

// GitLab answers GET on an old path with 301 to the project's canonical URL and
// refuses to write through a redirect (405), so clients notice the move.
function redirect(ctx: RouteContext, project: Project): HttpError {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
    return new HttpError(json(405, { message: 'Non GET methods are not allowed for moved projects' }));
  }
  const rest = ctx.rawPath
    .split('/')
    .filter((s) => s !== '')
    .slice(2)
    .join('/');
  const query = ctx.query.toString();
  const location = `${ctx.baseUrl}/api/v4/projects/${project.id}${rest ? `/${rest}` : ''}${query ? `?${query}` : ''}`;
  // API::API::MovedPermanentlyError: a plain sentence, not JSON.
  const res = text(301, `This resource has been moved permanently to ${location}`);
  res.headers['Location'] = location;
  return new HttpError(res);
}

export function requireGroup(ctx: RouteContext, minLevel = 0): Namespace {
  const group = ctx.state.groupByRef(ctx.params['id'] ?? '');
  if (!group || !canReadGroup(ctx.state, ctx.user, group)) throw gitlabError.notFound('Group');
  if (minLevel > 0 && groupLevel(ctx.state, ctx.user, group) < minLevel) throw gitlabError.forbidden();
  return group;
}

/** A numeric `:xxx_id` path parameter; GitLab's Grape routes answer 400 for non-integers. */
export function intParam(ctx: RouteContext, name: string): number {
  const raw = ctx.params[name] ?? '';
  if (!/^\d+$/.test(raw)) throw gitlabError.invalidParams([`${name} is invalid`]);
  return Number(raw);
}
