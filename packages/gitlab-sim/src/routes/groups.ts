// GET /groups/:id and group membership lookups.
import type { Router } from '../router.js';
import { json, gitlabError } from '../http/response.js';
import { canReadProject, namespaceAccess } from '../state/access.js';
import { memberEntity, projectEntity } from './present.js';
import { toBool } from '../http/params.js';
import { intParam, requireGroup } from './lookup.js';

export function registerGroupRoutes(router: Router): void {
  router.add({
    method: 'GET',
    template: '/groups/:id',
    auth: 'optional',
    handler: (ctx) => {
      const withProjectsParam = toBool(ctx.query.get('with_projects') ?? undefined);
      if (withProjectsParam === null) throw gitlabError.invalidParams(['with_projects is invalid']);
      const g = requireGroup(ctx);
      const withProjects = withProjectsParam !== false;
      const projects = [...ctx.state.projectTable.values()].filter((p) => p.namespaceId === g.id && canReadProject(ctx.state, ctx.user, p));
      const parentNames = ctx.state
        .ancestry(g.id)
        .reverse()
        .map((n) => n.name);
      return json(200, {
        id: g.id,
        web_url: `${ctx.baseUrl}/groups/${g.fullPath}`,
        name: g.name,
        path: g.path,
        description: g.description,
        visibility: g.visibility,
        share_with_group_lock: false,
        require_two_factor_authentication: false,
        two_factor_grace_period: 48,
        // Neither the group nor the instance changed it: GitLab's default, Developers and above.
        project_creation_level: 'developer',
        auto_devops_enabled: null,
        subgroup_creation_level: 'maintainer',
        emails_disabled: false,
        emails_enabled: true,
        mentions_disabled: null,
        lfs_enabled: true,
        archived: false,
        default_branch: null,
        default_branch_protection: 2,
        avatar_url: null,
        request_access_enabled: true,
        full_name: parentNames.join(' / '),
        full_path: g.fullPath,
        created_at: g.createdAt,
        parent_id: g.parentId,
        organization_id: 1,
        shared_runners_setting: 'enabled',
        max_artifacts_size: null,
        ldap_cn: null,
        ldap_access: null,
        wiki_access_level: 'enabled',
        shared_with_groups: [],
        ...(withProjects ? { projects: projects.map((p) => projectEntity(ctx, p, false)), shared_projects: [] } : {}),
      });
    },
  });

  router.add({
    method: 'GET',
    template: '/groups/:id/members/all/:user_id',
    auth: 'required',
    handler: (ctx) => {
      const g = requireGroup(ctx);
      const user = ctx.state.users.get(intParam(ctx, 'user_id'));
      const level = user ? namespaceAccess(ctx.state, user, g) : 0;
      if (!user || level === 0) throw gitlabError.notFound();
      return json(200, memberEntity(ctx, user, level));
    },
  });
}
