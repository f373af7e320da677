// Commits API (create with actions, list) and Repository Files API (JSON + raw).
import type { RouteContext, Router } from '../router.js';
import type { Branch, Commit, Project } from '../state/model.js';
import { ACCESS_LEVEL } from '../state/model.js';
import { json, text, gitlabError } from '../http/response.js';
import { paginate } from '../http/pagination.js';
import { toBool, scalarText } from '../http/params.js';
import { canReadCode } from '../state/access.js';
import { CommitError, blobSha, branchHistory, createCommit, type CommitAction } from '../state/repository.js';
import { createHash } from 'node:crypto';
import { requireProject } from './lookup.js';

const ACTIONS = ['create', 'delete', 'move', 'update', 'chmod'];

/**
 * Git trailers of a message (`git interpret-trailers --parse`): the last paragraph, when every
 * line of it is `Key: value`. GitLab gives `trailers` (last value wins) and `extended_trailers`.
 */
export function parseTrailers(message: string): { trailers: Record<string, string>; extended: Record<string, string[]> } {
  const paragraphs = message.trim().split(/\n\s*\n/);
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? '') : '';
  const trailers: Record<string, string> = {};
  const extended: Record<string, string[]> = {};
  const lines = last.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0 || !lines.every((l) => /^[A-Za-z0-9-]+:\s*\S/.test(l))) return { trailers, extended };
  for (const line of lines) {
    const colon = line.indexOf(':');
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    trailers[key] = value;
    (extended[key] ??= []).push(value);
  }
  return { trailers, extended };
}

function presentCommit(ctx: RouteContext, p: Project, c: Commit, withTrailers = false): Record<string, unknown> {
  const parsed = withTrailers ? parseTrailers(c.message) : { trailers: {}, extended: {} };
  return {
    id: c.id,
    short_id: c.id.slice(0, 8),
    created_at: c.createdAt,
    parent_ids: c.parentIds,
    title: c.message.split('\n')[0] ?? '',
    message: c.message,
    author_name: c.authorName,
    author_email: c.authorEmail,
    authored_date: c.createdAt,
    committer_name: c.authorName,
    committer_email: c.authorEmail,
    committed_date: c.createdAt,
    trailers: parsed.trailers,
    extended_trailers: parsed.extended,
    web_url: `${ctx.baseUrl}/${ctx.state.projectFullPath(p)}/-/commit/${c.id}`,
  };
}

function readableProject(ctx: RouteContext): Project {
  const p = requireProject(ctx);
  if (!canReadCode(ctx.state, ctx.user, p)) throw gitlabError.forbidden();
  return p;
}

/** A branch name or commit SHA, like GitLab's `ref` parameters. */
function resolveRef(p: Project, ref: string): Branch | undefined {
  const branch = p.branches.get(ref);
  if (branch) return branch;
  for (const b of p.branches.values()) if (b.head === ref || (ref.length >= 7 && b.head.startsWith(ref))) return b;
  return undefined;
}

function createCommitRoute(ctx: RouteContext) {
  const { input } = ctx;
  const errors: string[] = [];
  for (const name of ['branch', 'commit_message', 'actions']) {
    if (input[name] === undefined || input[name] === null) errors.push(`${name} is missing`);
  }
  const actions = Array.isArray(input['actions']) ? (input['actions'] as CommitAction[]) : [];
  if (input['actions'] !== undefined && !Array.isArray(input['actions'])) errors.push('actions is invalid');
  actions.forEach((a, i) => {
    if (typeof a !== 'object' || a === null) return errors.push(`actions[${i}] is invalid`);
    if (a.action === undefined) errors.push(`actions[${i}][action] is missing`);
    else if (!ACTIONS.includes(a.action)) errors.push(`actions[${i}][action] does not have a valid value`);
    if (a.file_path === undefined) errors.push(`actions[${i}][file_path] is missing`);
    if (a.encoding !== undefined && a.encoding !== 'text' && a.encoding !== 'base64') {
      errors.push(`actions[${i}][encoding] does not have a valid value`);
    }
    if (a.action === 'move' && a.previous_path === undefined) errors.push(`actions[${i}][previous_path] is missing`);
    if (a.action === 'chmod' && toBool(a.execute_filemode) === undefined) errors.push(`actions[${i}][execute_filemode] is missing`);
    return undefined;
  });
  if (errors.length > 0) throw gitlabError.invalidParams(errors);
  const project = requireProject(ctx, ACCESS_LEVEL.developer);
  try {
    const commit = createCommit(project, {
      branch: String(input['branch']),
      ...(input['start_branch'] !== undefined ? { startBranch: scalarText(input['start_branch']) } : {}),
      message: String(input['commit_message']),
      actions: actions.map((a) => ({ ...a, execute_filemode: toBool(a.execute_filemode) === true })),
      authorName: typeof input['author_name'] === 'string' ? input['author_name'] : ctx.user!.name,
      authorEmail: typeof input['author_email'] === 'string' ? input['author_email'] : ctx.user!.email,
    });
    return json(201, {
      ...presentCommit(ctx, project, commit),
      stats: { additions: commit.additions, deletions: commit.deletions, total: commit.additions + commit.deletions },
      status: null,
      project_id: project.id,
      last_pipeline: null,
    });
  } catch (e) {
    if (e instanceof CommitError) throw gitlabError.badRequest(e.message);
    throw e;
  }
}

function fileLookup(ctx: RouteContext, refRequired: boolean) {
  const ref = ctx.query.get('ref');
  if (refRequired && ref === null) throw gitlabError.invalidParams(['ref is missing']);
  const project = readableProject(ctx);
  const branch = resolveRef(project, ref ?? project.defaultBranch ?? '');
  if (!branch) throw gitlabError.notFound('Commit');
  const filePath = ctx.params['file_path'] ?? '';
  const file = branch.files.get(filePath);
  if (!file) throw gitlabError.notFound('File');
  return { project, branch, filePath, file, ref: ref ?? branch.name };
}

export function registerRepositoryRoutes(router: Router): void {
  router.add({ method: 'POST', template: '/projects/:id/repository/commits', auth: 'required', handler: createCommitRoute });

  router.add({
    method: 'GET',
    template: '/projects/:id/repository/commits',
    auth: 'optional',
    handler: (ctx) => {
      const errors: string[] = [];
      const withStats = toBool(ctx.query.get('with_stats') ?? undefined);
      const trailers = toBool(ctx.query.get('trailers') ?? undefined);
      const firstParent = toBool(ctx.query.get('first_parent') ?? undefined);
      if (withStats === null) errors.push('with_stats is invalid');
      if (trailers === null) errors.push('trailers is invalid');
      if (firstParent === null) errors.push('first_parent is invalid');
      if (errors.length > 0) throw gitlabError.invalidParams(errors);
      const project = readableProject(ctx);
      const refName = ctx.query.get('ref_name') ?? project.defaultBranch ?? '';
      const branch = resolveRef(project, refName);
      const path = ctx.query.get('path');
      // `path`: commits that touched the file, or anything below the directory.
      const touches = (c: Commit) => path === null || c.paths.some((f) => f === path || f.startsWith(`${path.replace(/\/$/, '')}/`));
      const commits = branch ? branchHistory(project, branch).filter(touches) : [];
      return paginate(ctx, commits, (c) => ({
        ...presentCommit(ctx, project, c, trailers === true),
        ...(withStats ? { stats: { additions: c.additions, deletions: c.deletions, total: c.additions + c.deletions } } : {}),
      }));
    },
  });

  router.add({
    method: 'GET',
    template: '/projects/:id/repository/files/:file_path',
    auth: 'optional',
    handler: (ctx) => {
      const { branch, filePath, file, ref } = fileLookup(ctx, true);
      return json(200, {
        file_name: filePath.split('/').pop(),
        file_path: filePath,
        size: file.content.length,
        encoding: 'base64',
        content_sha256: createHash('sha256').update(file.content).digest('hex'),
        ref,
        blob_id: blobSha(file.content),
        commit_id: branch.head,
        last_commit_id: file.lastCommitId,
        execute_filemode: file.executable,
        content: file.content.toString('base64'),
      });
    },
  });

  router.add({
    method: 'GET',
    template: '/projects/:id/repository/files/:file_path/raw',
    auth: 'optional',
    handler: (ctx) => {
      const { file, filePath } = fileLookup(ctx, false);
      const res = text(200, file.content);
      res.headers['X-Gitlab-File-Path'] = filePath;
      res.headers['X-Gitlab-Size'] = String(file.content.length);
      return res;
    },
  });
}
