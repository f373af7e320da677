// GET /groups/:id/projects and GET /users/:user_id/projects: the projects of one namespace
// the caller can read, with GitLab's `search`, `include_subgroups`, `visibility`, ordering
// and pagination. Clients use them to find a project by its display name.
import type { RouteContext, Router } from '../router.js';
import { gitlabError } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { toBool } from '../http/params.js';
import type { Project } from '../state/model.js';
import { canReadProject } from '../state/access.js';
import { requireGroup } from './lookup.js';
import { projectEntity } from './present.js';

const ORDER_BY = ['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at'] as const;
const VISIBILITIES = ['private', 'internal', 'public'];
// Gitlab::SQL::Pattern: words shorter than this are not matched as substrings.
const MIN_CHARS_FOR_PARTIAL_MATCHING = 3;

/**
 * Project.search as GitLab runs it (fuzzy_search on path, name and description): every word of
 * 3+ characters must occur (case-insensitive) in one column; with no such word, the whole query
 * must equal a column case-insensitively.
 */
export function matchesProjectSearch(p: Project, query: string): boolean {
  const squished = query.trim().replace(/\s+/g, ' ');
  if (squished === '') return true;
  const columns = [p.path, p.name, p.description].map((c) => c.toLowerCase());
  const words = splitSearchTerms(squished).filter((w) => w.length >= MIN_CHARS_FOR_PARTIAL_MATCHING);
  if (words.length === 0) return columns.includes(squished.toLowerCase());
  return columns.some((column) => words.every((w) => column.includes(w.toLowerCase())));
}

// Quoted phrases stay one term ("fleet infra"), everything else splits on spaces.
function splitSearchTerms(query: string): string[] {
  const terms: string[] = [];
  for (const m of query.matchAll(/"([^"]+)"|(\S+)/g)) terms.push(m[1] ?? m[2] ?? '');
  return terms.filter((t) => t !== '');
}

function listProjects(ctx: RouteContext, candidates: Project[]) {
  const errors: string[] = [];
  const orderBy = ctx.query.get('order_by') ?? 'created_at';
  if (!(ORDER_BY as readonly string[]).includes(orderBy)) errors.push('order_by does not have a valid value');
  const sort = ctx.query.get('sort') ?? 'desc';
  if (sort !== 'asc' && sort !== 'desc') errors.push('sort does not have a valid value');
  const visibility = ctx.query.get('visibility');
  if (visibility !== null && !VISIBILITIES.includes(visibility)) errors.push('visibility does not have a valid value');
  if (errors.length > 0) throw gitlabError.invalidParams(errors);

  const search = ctx.query.get('search');
  const rows = candidates
    .filter((p) => canReadProject(ctx.state, ctx.user, p))
    .filter((p) => visibility === null || p.visibility === visibility)
    .filter((p) => search === null || matchesProjectSearch(p, search));
  // The simulator keeps one timestamp per project, so the three time orders coincide.
  const key = (p: Project): string | number =>
    orderBy === 'name' ? p.name.toLowerCase() : orderBy === 'path' ? p.path.toLowerCase() : orderBy === 'id' ? p.id : p.createdAt;
  rows.sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    // Ties (same timestamp) fall back to the ID, like GitLab's secondary order.
    const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
    return sort === 'asc' ? c : -c;
  });
  return paginate(ctx, rows, (p) => projectEntity(ctx, p, false));
}

export function registerNamespaceProjectRoutes(router: Router): void {
  router.add({
    method: 'GET',
    template: '/groups/:id/projects',
    auth: 'optional',
    handler: (ctx) => {
      const group = requireGroup(ctx);
      const includeSubgroups = toBool(ctx.query.get('include_subgroups') ?? undefined);
      if (includeSubgroups === null) throw gitlabError.invalidParams(['include_subgroups is invalid']);
      const inGroup = (p: Project) =>
        includeSubgroups ? ctx.state.ancestry(p.namespaceId).some((n) => n.id === group.id) : p.namespaceId === group.id;
      return listProjects(ctx, [...ctx.state.projectTable.values()].filter(inGroup));
    },
  });

  router.add({
    method: 'GET',
    template: '/users/:user_id/projects',
    auth: 'optional',
    handler: (ctx) => {
      // `:user_id` is an ID or a username, as on GitLab.
      const ref = ctx.params['user_id'] ?? '';
      const user = /^\d+$/.test(ref) ? ctx.state.users.get(Number(ref)) : ctx.state.userByUsername(ref);
      if (!user) throw gitlabError.notFound('User');
      return listProjects(
        ctx,
        [...ctx.state.projectTable.values()].filter((p) => p.namespaceId === user.namespaceId),
      );
    },
  });
}
