import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, expectFields, useSim } from './helpers.js';

// Fields of API_Entities_ProjectWithAccess in GitLab's OpenAPI subset that every
// client relies on (the full entity has ~180; conditional ones are left out).
const PROJECT_FIELDS = [
  'id',
  'description',
  'name',
  'name_with_namespace',
  'path',
  'path_with_namespace',
  'created_at',
  'default_branch',
  'tag_list',
  'topics',
  'ssh_url_to_repo',
  'http_url_to_repo',
  'web_url',
  'readme_url',
  'forks_count',
  'avatar_url',
  'star_count',
  'last_activity_at',
  'visibility',
  'namespace',
  '_links',
  'empty_repo',
  'archived',
  'creator_id',
  'permissions',
];
// API_Entities_NamespaceBasic
const NAMESPACE_BASIC = ['id', 'name', 'path', 'kind', 'full_path', 'parent_id', 'avatar_url', 'web_url'];

describe('projects', () => {
  const h = useSim();
  const web = enc(SEED_PATHS.project);

  it('GET /projects/:id by encoded path and by ID return the same project with GitLab fields', async () => {
    const byPath = await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.maintainer });
    expect(byPath.status).toBe(200);
    expect(expectFields(byPath.body, PROJECT_FIELDS)).toEqual([]);
    expect(expectFields(byPath.body.namespace, NAMESPACE_BASIC)).toEqual([]);
    expect(byPath.body.path_with_namespace).toBe('platform/apps/web');
    expect(byPath.body.default_branch).toBe('main');
    expect(byPath.body.http_url_to_repo).toBe(`${h.sim.url}/platform/apps/web.git`);
    expect(byPath.body.ssh_url_to_repo).toMatch(/^git@127\.0\.0\.1:platform\/apps\/web\.git$/);
    const byId = await call(h.sim, 'GET', `/projects/${byPath.body.id}`, { token: SEED_TOKENS.maintainer });
    expect(byId.body.id).toBe(byPath.body.id);
  });

  it('reports permissions like GitLab: group_access for inherited roles, project_access for personal owners', async () => {
    const bob = await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.maintainer });
    expect(bob.body.permissions).toEqual({ project_access: null, group_access: { access_level: 40, notification_level: 3 } });
    const alice = await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.owner });
    expect(alice.body.permissions.group_access.access_level).toBe(50);
    const personal = await call(h.sim, 'GET', `/projects/${enc(SEED_PATHS.personalProject)}`, { token: SEED_TOKENS.owner });
    expect(personal.body.permissions.project_access.access_level).toBe(50);
    expect(personal.body.owner.username).toBe('alice');
  });

  it('answers 404 "404 Project Not Found" for missing and for invisible projects, never 403', async () => {
    const missing = await call(h.sim, 'GET', `/projects/${enc('platform/apps/nope')}`, { token: SEED_TOKENS.owner });
    const hidden = await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.outsider });
    const anonymous = await call(h.sim, 'GET', `/projects/${web}`);
    for (const r of [missing, hidden, anonymous]) {
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ message: '404 Project Not Found' });
    }
  });

  it('serves a public project to anonymous callers and outsiders', async () => {
    const anon = await call(h.sim, 'GET', `/projects/${enc(SEED_PATHS.publicProject)}`);
    expect(anon.status).toBe(200);
    expect(anon.body.permissions).toEqual({ project_access: null, group_access: null });
  });

  it('redirects GET on a moved project with 301 + Location and refuses other methods with 405', async () => {
    const moved = enc(SEED_PATHS.movedProject);
    const get = await call(h.sim, 'GET', `/projects/${moved}/deploy_tokens?active=true`, { token: SEED_TOKENS.owner });
    expect(get.status).toBe(301);
    const id = h.sim.state.projects().find((p) => p.pathWithNamespace === SEED_PATHS.project)!.id;
    expect(get.headers.get('location')).toBe(`${h.sim.apiUrl}/projects/${id}/deploy_tokens?active=true`);
    expect(get.text).toBe(`This resource has been moved permanently to ${h.sim.apiUrl}/projects/${id}/deploy_tokens?active=true`);
    const post = await call(h.sim, 'POST', `/projects/${moved}/deploy_tokens`, {
      token: SEED_TOKENS.owner,
      body: { name: 'x', scopes: ['read_repository'] },
    });
    expect(post.status).toBe(405);
    expect(post.body).toEqual({ message: 'Non GET methods are not allowed for moved projects' });
    for (const method of ['PUT', 'DELETE']) {
      const write = await call(h.sim, method, `/projects/${moved}/variables/X`, { token: SEED_TOKENS.owner, body: { value: 'v' } });
      expect(write.status, method).toBe(405);
      expect(write.body, method).toEqual({ message: 'Non GET methods are not allowed for moved projects' });
    }
    // An outsider must not learn where a private project went.
    const outsider = await call(h.sim, 'GET', `/projects/${moved}`, { token: SEED_TOKENS.outsider });
    expect(outsider.status).toBe(404);
  });

  it('POST /projects creates in a group the caller maintains, with a README when asked', async () => {
    const group = await call(h.sim, 'GET', `/groups/${enc(SEED_PATHS.subgroup)}`, { token: SEED_TOKENS.maintainer });
    const r = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.maintainer,
      body: { name: 'New Service', namespace_id: group.body.id, visibility: 'internal', initialize_with_readme: true },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      path: 'new-service',
      path_with_namespace: 'platform/apps/new-service',
      visibility: 'internal',
      default_branch: 'main',
      empty_repo: false,
    });
    expect(h.sim.state.files('platform/apps/new-service')).toHaveProperty('README.md');
    const again = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.maintainer,
      body: { name: 'New Service', namespace_id: group.body.id },
    });
    expect(again.status).toBe(400);
    expect(again.body.message.path).toEqual(['has already been taken']);
    expect(again.body.message.name).toEqual(['has already been taken']);
  });

  it('POST /projects defaults to the personal namespace and keeps an empty repository without README', async () => {
    const r = await call(h.sim, 'POST', '/projects', { token: SEED_TOKENS.developer, body: { path: 'scratch' } });
    expect(r.status).toBe(201);
    expect(r.body.path_with_namespace).toBe('carol/scratch');
    expect(r.body.default_branch).toBeNull();
    expect(r.body.empty_repo).toBe(true);
  });

  it('POST /projects lets a Developer create in a group (GitLab\'s default level, reported as "developer"); refuses a Reporter and bad input', async () => {
    const group = await call(h.sim, 'GET', `/groups/${enc(SEED_PATHS.subgroup)}`, { token: SEED_TOKENS.developer });
    expect(group.body.project_creation_level).toBe('developer');
    const dev = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.developer,
      body: { path: 'dev-proj', namespace_id: group.body.id },
    });
    expect(dev.status).toBe(201);
    expect(dev.body.path_with_namespace).toBe('platform/apps/dev-proj');
    // dave is a member of nothing: the group is no namespace he may create in.
    const outsider = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.outsider,
      body: { path: 'outsider-proj', namespace_id: group.body.id },
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body).toEqual({ message: { namespace: ['is not valid'] } });
    const none = await call(h.sim, 'POST', '/projects', { token: SEED_TOKENS.owner, body: {} });
    expect(none.body).toEqual({ error: 'name, path are missing, at least one parameter must be provided' });
    const vis = await call(h.sim, 'POST', '/projects', { token: SEED_TOKENS.owner, body: { path: 'v', visibility: 'secret' } });
    expect(vis.body).toEqual({ error: 'visibility does not have a valid value' });
    const badPath = await call(h.sim, 'POST', '/projects', { token: SEED_TOKENS.owner, body: { path: '-bad.git' } });
    expect(badPath.status).toBe(400);
    expect(badPath.body.message.path[0]).toContain("can contain only letters, digits, '_', '-' and '.'");
  });

  it('POST /projects stores its settings and reports them back without acting on them; bad values are 400', async () => {
    const r = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.owner,
      body: {
        path: 'settings',
        issues_enabled: 'no',
        merge_method: 'ff',
        squash_option: 'always',
        only_allow_merge_if_pipeline_succeeds: true,
        ci_config_path: 'ci/main.yml',
        topics: ['infra', 'k8s'],
        wiki_access_level: 'private',
      },
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      issues_enabled: false,
      issues_access_level: 'disabled',
      merge_method: 'ff',
      squash_option: 'always',
      only_allow_merge_if_pipeline_succeeds: true,
      ci_config_path: 'ci/main.yml',
      topics: ['infra', 'k8s'],
      tag_list: ['infra', 'k8s'],
      wiki_access_level: 'private',
      wiki_enabled: true,
    });
    const get = await call(h.sim, 'GET', `/projects/${r.body.id}`, { token: SEED_TOKENS.owner });
    expect(get.body).toMatchObject({ merge_method: 'ff', ci_config_path: 'ci/main.yml' });
    const bad = await call(h.sim, 'POST', '/projects', {
      token: SEED_TOKENS.owner,
      body: { path: 'bad-settings', merge_method: 'squash', lfs_enabled: 'maybe' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: 'lfs_enabled is invalid, merge_method does not have a valid value' });
  });

  it('GET /projects/:id?statistics=true for Reporters and above; ?license=true reads the license file', async () => {
    const stats = await call(h.sim, 'GET', `/projects/${web}?statistics=true`, { token: SEED_TOKENS.developer });
    expect(stats.body.statistics).toMatchObject({ commit_count: 1, wiki_size: 0 });
    const files = h.sim.state.files(SEED_PATHS.project);
    const size = Object.values(files).reduce((n, f) => n + Buffer.byteLength(f), 0);
    expect(stats.body.statistics.repository_size).toBe(size);
    expect(stats.body.statistics.storage_size).toBe(size);
    expect((await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.developer })).body).not.toHaveProperty('statistics');
    // Anonymous readers of a public project are no Reporters: no statistics.
    const anon = await call(h.sim, 'GET', `/projects/${enc(SEED_PATHS.publicProject)}?statistics=true`);
    expect(anon.body).not.toHaveProperty('statistics');

    const none = await call(h.sim, 'GET', `/projects/${web}?license=true`, { token: SEED_TOKENS.developer });
    expect(none.body).toMatchObject({ license_url: null, license: null });
    const commit = await call(h.sim, 'POST', `/projects/${web}/repository/commits`, {
      token: SEED_TOKENS.developer,
      body: {
        branch: 'main',
        commit_message: 'license',
        actions: [
          {
            action: 'create',
            file_path: 'LICENSE',
            content: 'MIT License\n\nPermission is hereby granted, free of charge, to any person\n',
          },
        ],
      },
    });
    expect(commit.status).toBe(201);
    const mit = await call(h.sim, 'GET', `/projects/${web}?license=true`, { token: SEED_TOKENS.developer });
    expect(mit.body.license_url).toBe(`${h.sim.url}/${SEED_PATHS.project}/-/blob/main/LICENSE`);
    expect(mit.body.license).toMatchObject({ key: 'mit', name: 'MIT License' });
    expect((await call(h.sim, 'GET', `/projects/${web}`, { token: SEED_TOKENS.developer })).body).not.toHaveProperty('license');
    const bad = await call(h.sim, 'GET', `/projects/${web}?statistics=maybe`, { token: SEED_TOKENS.developer });
    expect(bad.body).toEqual({ error: 'statistics is invalid' });
  });

  it('GET /projects/:id/members/all/:user_id includes inherited members', async () => {
    const bob = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.maintainer });
    const r = await call(h.sim, 'GET', `/projects/${web}/members/all/${bob.body.id}`, { token: SEED_TOKENS.developer });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ username: 'bob', access_level: 40 });
    const dave = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.outsider });
    const none = await call(h.sim, 'GET', `/projects/${web}/members/all/${dave.body.id}`, { token: SEED_TOKENS.developer });
    expect(none.status).toBe(404);
  });
});

describe('groups, namespaces and users', () => {
  const h = useSim();

  it('GET /groups/:id by path and ID; 404 "404 Group Not Found" for outsiders and missing groups', async () => {
    const g = await call(h.sim, 'GET', `/groups/${enc(SEED_PATHS.subgroup)}`, { token: SEED_TOKENS.developer });
    expect(g.status).toBe(200);
    expect(g.body).toMatchObject({ path: 'apps', full_path: 'platform/apps', visibility: 'private' });
    expect(g.body.projects.map((p: { path: string }) => p.path).sort()).toEqual(['api', 'web']);
    const byId = await call(h.sim, 'GET', `/groups/${g.body.id}`, { token: SEED_TOKENS.developer });
    expect(byId.body.full_path).toBe('platform/apps');
    // carol is a member of the subgroup only, yet sees the parent like on GitLab.
    const parent = await call(h.sim, 'GET', `/groups/${SEED_PATHS.group}`, { token: SEED_TOKENS.developer });
    expect(parent.status).toBe(200);
    for (const r of [
      await call(h.sim, 'GET', `/groups/${SEED_PATHS.group}`, { token: SEED_TOKENS.outsider }),
      await call(h.sim, 'GET', '/groups/nope', { token: SEED_TOKENS.owner }),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body).toEqual({ message: '404 Group Not Found' });
    }
  });

  it('GET /groups/:id/members/all/:user_id gives the inherited level', async () => {
    const alice = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.owner });
    const r = await call(h.sim, 'GET', `/groups/${enc(SEED_PATHS.subgroup)}/members/all/${alice.body.id}`, { token: SEED_TOKENS.owner });
    expect(r.body).toMatchObject({ username: 'alice', access_level: 50 });
  });

  it('GET /namespaces/:id resolves groups and personal namespaces by path or ID', async () => {
    const group = await call(h.sim, 'GET', `/namespaces/${enc(SEED_PATHS.subgroup)}`, { token: SEED_TOKENS.maintainer });
    expect(group.body).toMatchObject({ kind: 'group', full_path: 'platform/apps', path: 'apps' });
    expect(typeof group.body.parent_id).toBe('number');
    const mine = await call(h.sim, 'GET', `/namespaces/${SEED_PATHS.userNamespace}`, { token: SEED_TOKENS.owner });
    expect(mine.body).toMatchObject({ kind: 'user', full_path: 'alice', parent_id: null });
    const byId = await call(h.sim, 'GET', `/namespaces/${mine.body.id}`, { token: SEED_TOKENS.owner });
    expect(byId.body.full_path).toBe('alice');
    const other = await call(h.sim, 'GET', `/namespaces/${SEED_PATHS.userNamespace}`, { token: SEED_TOKENS.outsider });
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ message: '404 Namespace Not Found' });
  });

  it('GET /user and GET /users?username= return GitLab user shapes', async () => {
    const me = await call(h.sim, 'GET', '/user', { token: SEED_TOKENS.admin });
    expect(me.body).toMatchObject({ username: 'root', is_admin: true, state: 'active' });
    const list = await call(h.sim, 'GET', '/users?username=bob', { token: SEED_TOKENS.owner });
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(1);
    expect(expectFields(list.body[0], ['id', 'username', 'name', 'state', 'locked', 'avatar_url', 'web_url'])).toEqual([]);
    const none = await call(h.sim, 'GET', '/users?username=nobody', { token: SEED_TOKENS.owner });
    expect(none.body).toEqual([]);
  });
});
