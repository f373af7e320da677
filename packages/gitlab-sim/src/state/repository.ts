// A tiny in-memory git: branches hold a flat file map, commits are records with
// SHA-1 ids. Enough for the Commits and Repository Files APIs.
import { createHash } from 'node:crypto';
import type { Branch, Commit, Project, RepoFile } from './model.js';
import { nowIso } from './ids.js';

export type CommitAction = {
  action: string;
  file_path?: string;
  previous_path?: string;
  content?: string;
  encoding?: string;
  execute_filemode?: boolean;
};

/** A failure GitLab reports as 400 `{"message": ...}`. */
export class CommitError extends Error {}

let commitCounter = 0;

function commitSha(projectId: number, message: string): string {
  commitCounter += 1;
  return createHash('sha1').update(`${projectId}\0${commitCounter}\0${message}\0${Date.now()}`).digest('hex');
}

export function blobSha(content: Buffer): string {
  // Same construction as git's blob ids, so equal contents share an id.
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}

function lineCount(buf: Buffer): number {
  if (buf.length === 0) return 0;
  const text = buf.toString('utf8');
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

function decode(action: CommitAction): Buffer {
  const content = action.content ?? '';
  return action.encoding === 'base64' ? Buffer.from(content, 'base64') : Buffer.from(content, 'utf8');
}

export interface CommitInput {
  branch: string;
  startBranch?: string;
  message: string;
  actions: CommitAction[];
  authorName: string;
  authorEmail: string;
}

/** Applies actions to a copy of the start branch; the branch changes only if all succeed. */
export function createCommit(project: Project, input: CommitInput): Commit {
  const existing = project.branches.get(input.branch);
  let base: Branch | undefined = existing;
  if (!existing) {
    if (input.startBranch !== undefined) {
      base = project.branches.get(input.startBranch);
      if (!base) throw new CommitError(`Invalid start branch name: ${input.startBranch}`);
    } else if (project.branches.size > 0) {
      // GitLab only creates a branch implicitly in an empty repository.
      throw new CommitError('You can only create or edit files when you are on a branch');
    }
  }
  const files = new Map<string, RepoFile>(base ? base.files : []);
  const id = commitSha(project.id, input.message);
  let additions = 0;
  let deletions = 0;
  const paths = new Set<string>();
  for (const a of input.actions) {
    const path = a.file_path ?? '';
    if (path === '') throw new CommitError('You must provide a file path');
    const current = files.get(path);
    paths.add(path);
    if (a.action === 'move' && a.previous_path) paths.add(a.previous_path);
    switch (a.action) {
      case 'create': {
        if (current) throw new CommitError('A file with this name already exists');
        const content = decode(a);
        files.set(path, { content, executable: a.execute_filemode === true, lastCommitId: id });
        additions += lineCount(content);
        break;
      }
      case 'update': {
        if (!current) throw new CommitError("A file with this name doesn't exist");
        const content = decode(a);
        deletions += lineCount(current.content);
        additions += lineCount(content);
        files.set(path, { ...current, content, lastCommitId: id });
        break;
      }
      case 'delete': {
        if (!current) throw new CommitError("A file with this name doesn't exist");
        deletions += lineCount(current.content);
        files.delete(path);
        break;
      }
      case 'move': {
        const from = a.previous_path ?? '';
        const source = files.get(from);
        if (!source) throw new CommitError("A file with this name doesn't exist");
        if (files.has(path)) throw new CommitError('A file with this name already exists');
        const content = a.content === undefined ? source.content : decode(a);
        files.delete(from);
        files.set(path, { ...source, content, lastCommitId: id });
        break;
      }
      case 'chmod': {
        if (!current) throw new CommitError("A file with this name doesn't exist");
        files.set(path, { ...current, executable: a.execute_filemode === true, lastCommitId: id });
        break;
      }
      default:
        throw new CommitError(`Unknown action '${a.action}'`);
    }
  }
  const commit: Commit = {
    id,
    parentIds: base ? [base.head] : [],
    message: input.message,
    authorName: input.authorName,
    authorEmail: input.authorEmail,
    createdAt: nowIso(),
    additions,
    deletions,
    paths: [...paths],
  };
  project.commits.set(id, commit);
  project.branches.set(input.branch, { name: input.branch, head: id, files });
  if (project.defaultBranch === null || project.branches.size === 1) {
    project.defaultBranch ??= input.branch;
  }
  return commit;
}

/** Commits reachable from a branch head, newest first. */
export function branchHistory(project: Project, branch: Branch): Commit[] {
  const out: Commit[] = [];
  let sha: string | undefined = branch.head;
  while (sha) {
    const c = project.commits.get(sha);
    if (!c) break;
    out.push(c);
    sha = c.parentIds[0];
  }
  return out;
}
