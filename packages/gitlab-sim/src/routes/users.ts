// The caller and its token: GET /user, GET /personal_access_tokens/self, GET /users.
import type { Router } from '../router.js';
import { json } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { userBasic } from './present.js';

export function registerUserRoutes(router: Router): void {
  router.add({
    method: 'GET',
    template: '/user',
    auth: 'required',
    extraReadScopes: ['read_user'],
    handler: (ctx) => {
      const u = ctx.user!;
      return json(200, {
        ...userBasic(ctx, u),
        created_at: u.createdAt,
        bio: '',
        location: '',
        public_email: null,
        skype: '',
        linkedin: '',
        twitter: '',
        website_url: '',
        organization: '',
        job_title: '',
        bot: false,
        last_sign_in_at: u.createdAt,
        confirmed_at: u.createdAt,
        last_activity_on: u.createdAt.slice(0, 10),
        email: u.email,
        theme_id: 1,
        color_scheme_id: 1,
        projects_limit: 100000,
        current_sign_in_at: u.createdAt,
        identities: [],
        can_create_group: true,
        can_create_project: true,
        two_factor_enabled: false,
        external: false,
        private_profile: false,
        commit_email: u.email,
        is_admin: u.admin,
        namespace_id: u.namespaceId,
      });
    },
  });

  router.add({
    method: 'GET',
    template: '/personal_access_tokens/self',
    auth: 'required',
    // GitLab lets any valid PAT inspect itself, whatever its scopes.
    extraReadScopes: ['*'],
    handler: (ctx) => {
      const t = ctx.pat!;
      return json(200, {
        id: t.id,
        name: t.name,
        revoked: t.revoked,
        created_at: t.createdAt,
        description: null,
        scopes: t.scopes,
        user_id: t.userId,
        last_used_at: t.lastUsedAt,
        active: !t.revoked,
        expires_at: t.expiresAt,
        last_used_ips: [],
      });
    },
  });

  router.add({
    method: 'GET',
    template: '/users',
    auth: 'optional',
    extraReadScopes: ['read_user'],
    handler: (ctx) => {
      const username = ctx.query.get('username');
      let users = [...ctx.state.users.values()];
      if (username !== null) users = users.filter((u) => u.username.toLowerCase() === username.toLowerCase());
      return paginate(ctx, users, (u) => userBasic(ctx, u));
    },
  });
}
