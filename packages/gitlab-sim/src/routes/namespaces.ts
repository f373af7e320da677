// GET /namespaces/:id: groups and users' personal namespaces, by ID or full path.
import type { Router } from '../router.js';
import { json, gitlabError } from '../http/response.js';
import { canReadNamespace } from '../state/access.js';
import { namespaceBasic } from './present.js';

export function registerNamespaceRoutes(router: Router): void {
  router.add({
    method: 'GET',
    template: '/namespaces/:id',
    auth: 'required',
    handler: (ctx) => {
      const ns = ctx.state.namespaceByRef(ctx.params['id'] ?? '');
      if (!ns || !canReadNamespace(ctx.state, ctx.user, ns)) throw gitlabError.notFound('Namespace');
      const projects = [...ctx.state.projectTable.values()].filter((p) => p.namespaceId === ns.id).length;
      return json(200, {
        ...namespaceBasic(ctx, ns),
        members_count_with_descendants: ns.kind === 'group' ? ns.members.size : null,
        root_repository_size: 0,
        projects_count: projects,
        billable_members_count: ns.members.size,
        plan: 'free',
        end_date: null,
        trial_ends_on: null,
        trial: false,
      });
    },
  });
}
