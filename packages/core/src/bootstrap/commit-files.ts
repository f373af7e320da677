/**
 * Commits files through GitLab's commits API (no git clone needed). Each file is read first:
 * identical content is skipped, so a re-run makes no commit at all; `onlyIfAbsent` files are
 * never overwritten (users edit kustomization.yaml).
 */
import { NotFoundError } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';

export interface FileToCommit {
  path: string;
  content: string;
  onlyIfAbsent?: boolean;
}

export type FileOutcome = 'created' | 'updated' | 'unchanged' | 'kept';

export interface CommitFilesResult {
  /** The new commit, or null when nothing needed to change. */
  commit: { id: string; webUrl: string | null } | null;
  files: { path: string; outcome: FileOutcome }[];
}

/** GitLab's answer to `POST …/repository/commits` (the fields read here). */
type CommitRow = { id: string; web_url?: string | null };

/** GitLab's answer to `GET …/repository/files/:file_path`. */
type RepositoryFileRow = { content?: string; encoding?: string };

export async function commitFiles(
  api: GitlabApi,
  project: { id: number; defaultBranch: string | null },
  input: { branch: string; message: string; files: FileToCommit[]; authorName?: string; authorEmail?: string },
  options: GitlabCallOptions & { dryRun?: boolean } = {},
): Promise<CommitFilesResult> {
  const files: CommitFilesResult['files'] = [];
  const actions: { action: 'create' | 'update'; file_path: string; content: string }[] = [];
  let branchExists = true;
  for (const file of input.files) {
    const current = await readFile(api, project.id, file.path, input.branch, options);
    if (current.kind === 'no-branch') branchExists = false;
    if (current.kind === 'file') {
      if (current.content === file.content || file.onlyIfAbsent) {
        files.push({ path: file.path, outcome: current.content === file.content ? 'unchanged' : 'kept' });
        continue;
      }
      actions.push({ action: 'update', file_path: file.path, content: file.content });
      files.push({ path: file.path, outcome: 'updated' });
    } else {
      actions.push({ action: 'create', file_path: file.path, content: file.content });
      files.push({ path: file.path, outcome: 'created' });
    }
  }
  // A dry run reads each file and says what a commit would do, without making it.
  if (actions.length === 0 || options.dryRun) return { commit: null, files };

  // A new branch in a non-empty repository must start from an existing one.
  const startBranch = !branchExists && project.defaultBranch && project.defaultBranch !== input.branch ? project.defaultBranch : undefined;
  const { body: row } = await api.request<CommitRow>('POST', `projects/${project.id}/repository/commits`, {
    ...signalOnly(options),
    body: {
      branch: input.branch,
      commit_message: input.message,
      actions,
      ...(startBranch ? { start_branch: startBranch } : {}),
      ...(input.authorName ? { author_name: input.authorName } : {}),
      ...(input.authorEmail ? { author_email: input.authorEmail } : {}),
    },
  });
  return { commit: { id: String(row.id), webUrl: typeof row.web_url === 'string' ? row.web_url : null }, files };
}

type FileState = { kind: 'file'; content: string } | { kind: 'absent' } | { kind: 'no-branch' };

/** The file's text, or why there is none (GitLab says "Commit Not Found" for a missing ref). */
async function readFile(api: GitlabApi, projectId: number, path: string, ref: string, options: GitlabCallOptions): Promise<FileState> {
  try {
    const filePath = `projects/${projectId}/repository/files/${encodeURIComponent(path)}`;
    const { body: row } = await api.request<RepositoryFileRow>('GET', filePath, { query: { ref }, ...signalOnly(options) });
    const content = row.encoding === 'base64' ? Buffer.from(row.content ?? '', 'base64').toString('utf8') : String(row.content ?? '');
    return { kind: 'file', content };
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return /commit|ref|branch/i.test(error.gitlabMessage ?? '') ? { kind: 'no-branch' } : { kind: 'absent' };
  }
}
