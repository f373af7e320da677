import { describe, expect, it } from 'vitest';
import { SEED_PATHS, SEED_TOKENS } from '../src/index.js';
import { call, enc, useSim } from './helpers.js';

// API_Entities_CommitDetail in GitLab's OpenAPI subset.
const COMMIT_FIELDS = [
  'id',
  'short_id',
  'created_at',
  'parent_ids',
  'title',
  'message',
  'author_name',
  'author_email',
  'authored_date',
  'committer_name',
  'committer_email',
  'committed_date',
  'trailers',
  'extended_trailers',
  'web_url',
  'stats',
  'status',
  'project_id',
  'last_pipeline',
];

describe('commits and repository files', () => {
  const h = useSim();
  const p = `/projects/${enc(SEED_PATHS.project)}`;
  const commit = (body: unknown, token: string = SEED_TOKENS.developer) => call(h.sim, 'POST', `${p}/repository/commits`, { token, body });

  it('creates, updates, moves, chmods and deletes files in one branch, each as a commit', async () => {
    const c1 = await commit({
      branch: 'main',
      commit_message: 'Add deploy files\n\nbody',
      actions: [
        { action: 'create', file_path: 'deploy/app.yaml', content: 'a: 1\n' },
        { action: 'create', file_path: 'bin/run.sh', content: Buffer.from('#!/bin/sh\n').toString('base64'), encoding: 'base64' },
      ],
    });
    expect(c1.status).toBe(201);
    for (const f of COMMIT_FIELDS) expect(c1.body).toHaveProperty(f);
    expect(c1.body.id).toMatch(/^[0-9a-f]{40}$/);
    expect(c1.body.title).toBe('Add deploy files');
    expect(c1.body.stats).toEqual({ additions: 2, deletions: 0, total: 2 });

    const c2 = await commit({
      branch: 'main',
      commit_message: 'Change',
      actions: [
        { action: 'update', file_path: 'deploy/app.yaml', content: 'a: 2\n' },
        { action: 'move', previous_path: 'README.md', file_path: 'docs/README.md' },
        { action: 'chmod', file_path: 'bin/run.sh', execute_filemode: true },
      ],
    });
    expect(c2.status).toBe(201);
    expect(c2.body.parent_ids).toEqual([c1.body.id]);
    const files = h.sim.state.files(SEED_PATHS.project);
    expect(files['deploy/app.yaml']).toBe('a: 2\n');
    expect(files['docs/README.md']).toBe('# web\n');
    expect(files['README.md']).toBeUndefined();
    expect(files['bin/run.sh']).toBe('#!/bin/sh\n');

    const c3 = await commit({ branch: 'main', commit_message: 'rm', actions: [{ action: 'delete', file_path: 'deploy/app.yaml' }] });
    expect(c3.status).toBe(201);
    expect(h.sim.state.files(SEED_PATHS.project)['deploy/app.yaml']).toBeUndefined();

    const list = await call(h.sim, 'GET', `${p}/repository/commits`, { token: SEED_TOKENS.developer });
    expect(list.body.slice(0, 3).map((c: { id: string }) => c.id)).toEqual([c3.body.id, c2.body.id, c1.body.id]);
  });

  it('reports GitLab errors and changes nothing when one action fails', async () => {
    const before = h.sim.state.files(SEED_PATHS.project);
    const exists = await commit({
      branch: 'main',
      commit_message: 'x',
      actions: [
        { action: 'create', file_path: 'new.txt', content: 'n' },
        { action: 'create', file_path: '.gitlab-ci.yml', content: 'again' },
      ],
    });
    expect(exists.status).toBe(400);
    expect(exists.body).toEqual({ message: 'A file with this name already exists' });
    const missing = await commit({ branch: 'main', commit_message: 'x', actions: [{ action: 'update', file_path: 'nope', content: '' }] });
    expect(missing.body).toEqual({ message: "A file with this name doesn't exist" });
    expect(h.sim.state.files(SEED_PATHS.project)).toEqual(before);
    const params = await commit({ actions: [{ action: 'explode' }] });
    expect(params.body).toEqual({
      error:
        'branch is missing, commit_message is missing, actions[0][action] does not have a valid value, actions[0][file_path] is missing',
    });
  });

  it('creates a new branch from start_branch, and refuses an unknown start branch', async () => {
    const r = await commit({
      branch: 'feature',
      start_branch: 'main',
      commit_message: 'f',
      actions: [{ action: 'create', file_path: 'feature.txt', content: 'f' }],
    });
    expect(r.status).toBe(201);
    expect(h.sim.state.files(SEED_PATHS.project, 'feature')['feature.txt']).toBe('f');
    expect(h.sim.state.files(SEED_PATHS.project)['feature.txt']).toBeUndefined();
    const bad = await commit({
      branch: 'x',
      start_branch: 'nope',
      commit_message: 'f',
      actions: [{ action: 'create', file_path: 'a', content: '' }],
    });
    expect(bad.status).toBe(400);
  });

  it('GET repository/files/:file_path returns base64 content; /raw returns the bytes', async () => {
    const file = await call(h.sim, 'GET', `${p}/repository/files/${enc('.gitlab-ci.yml')}?ref=main`, { token: SEED_TOKENS.developer });
    expect(file.status).toBe(200);
    expect(file.body).toMatchObject({ file_name: '.gitlab-ci.yml', file_path: '.gitlab-ci.yml', encoding: 'base64', ref: 'main' });
    const content = Buffer.from(file.body.content, 'base64').toString('utf8');
    expect(content).toContain('stages:');
    for (const f of ['size', 'content_sha256', 'blob_id', 'commit_id', 'last_commit_id', 'execute_filemode'])
      expect(file.body).toHaveProperty(f);
    const raw = await call(h.sim, 'GET', `${p}/repository/files/${enc('.gitlab-ci.yml')}/raw?ref=main`, { token: SEED_TOKENS.developer });
    expect(raw.text).toBe(content);
    const nested = await call(h.sim, 'GET', `${p}/repository/files/${enc('docs/README.md')}?ref=main`, { token: SEED_TOKENS.developer });
    expect(nested.status).toBe(200);
  });

  it('file errors: ref missing, unknown ref, unknown file, unencoded file path', async () => {
    const noRef = await call(h.sim, 'GET', `${p}/repository/files/README.md`, { token: SEED_TOKENS.developer });
    expect(noRef.body).toEqual({ error: 'ref is missing' });
    const badRef = await call(h.sim, 'GET', `${p}/repository/files/x?ref=nope`, { token: SEED_TOKENS.developer });
    expect(badRef.body).toEqual({ message: '404 Commit Not Found' });
    const noFile = await call(h.sim, 'GET', `${p}/repository/files/nope?ref=main`, { token: SEED_TOKENS.developer });
    expect(noFile.body).toEqual({ message: '404 File Not Found' });
    const unencoded = await call(h.sim, 'GET', `${p}/repository/files/docs/README.md?ref=main`, { token: SEED_TOKENS.developer });
    expect(unencoded.body).toEqual({ error: '404 Not Found' });
  });

  it('needs Developer to commit; outsiders get 404', async () => {
    const { start } = await import('../src/index.js');
    const sim = await start({
      seed: {
        users: [{ username: 'g', tokens: [{ token: 't-guest', scopes: ['api'] }] }, { username: 'o' }],
        projects: [{ path: 'p', namespace: 'o', members: { g: 'reporter' }, files: { a: 'a' } }],
      },
    });
    try {
      const r = await call(sim, 'POST', `/projects/${enc('o/p')}/repository/commits`, {
        token: 't-guest',
        body: { branch: 'main', commit_message: 'x', actions: [{ action: 'create', file_path: 'b', content: '' }] },
      });
      expect(r.status).toBe(403);
      const read = await call(sim, 'GET', `/projects/${enc('o/p')}/repository/files/a/raw`, { token: 't-guest' });
      expect(read.text).toBe('a');
    } finally {
      await sim.close();
    }
    const outsider = await commit(
      { branch: 'main', commit_message: 'x', actions: [{ action: 'create', file_path: 'z', content: '' }] },
      SEED_TOKENS.outsider,
    );
    expect(outsider.status).toBe(404);
  });
});

describe('commit list parameters', () => {
  const h = useSim();
  const p = `/projects/${enc(SEED_PATHS.otherProject)}`;
  const list = (query: string) => call(h.sim, 'GET', `${p}/repository/commits?${query}`, { token: SEED_TOKENS.developer });

  it('honours path, with_stats and trailers', async () => {
    const commit = (message: string, actions: unknown[]) =>
      call(h.sim, 'POST', `${p}/repository/commits`, {
        token: SEED_TOKENS.developer,
        body: { branch: 'main', commit_message: message, actions },
      });
    const a = await commit(
      'Add chart\n\nSigned-off-by: Carol <carol@example.com>\nReviewed-by: Bob <bob@example.com>\nSigned-off-by: Dave <dave@example.com>',
      [{ action: 'create', file_path: 'deploy/chart.yaml', content: 'a: 1\nb: 2\n' }],
    );
    const b = await commit('Touch docs\n\nNot: a trailer paragraph\nbecause this line is prose', [
      { action: 'update', file_path: 'README.md', content: '# api\nmore\n' },
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);

    const byFile = await list('path=deploy/chart.yaml');
    expect(byFile.body.map((c: { id: string }) => c.id)).toEqual([a.body.id]);
    expect((await list('path=deploy')).body.map((c: { id: string }) => c.id)).toEqual([a.body.id]);
    const readme = (await list('path=README.md')).body.map((c: { id: string }) => c.id);
    expect(readme[0]).toBe(b.body.id);
    expect(readme).not.toContain(a.body.id);
    expect((await list('path=nowhere')).body).toEqual([]);

    const plain = await list('per_page=1');
    expect(plain.body[0]).not.toHaveProperty('stats');
    expect(plain.body[0].trailers).toEqual({});
    const stats = await list('with_stats=true&per_page=1');
    expect(stats.body[0].stats).toEqual({ additions: 2, deletions: 1, total: 3 });

    const trailers = await list('trailers=true&path=deploy/chart.yaml');
    expect(trailers.body[0].trailers).toEqual({ 'Signed-off-by': 'Dave <dave@example.com>', 'Reviewed-by': 'Bob <bob@example.com>' });
    expect(trailers.body[0].extended_trailers).toEqual({
      'Signed-off-by': ['Carol <carol@example.com>', 'Dave <dave@example.com>'],
      'Reviewed-by': ['Bob <bob@example.com>'],
    });
    expect((await list('trailers=true&path=README.md')).body[0].trailers).toEqual({});
    expect((await list('with_stats=maybe')).body).toEqual({ error: 'with_stats is invalid' });
  });
});
