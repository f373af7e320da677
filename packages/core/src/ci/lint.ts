/** GitLab's CI Lint API for a project: validates a pipeline the way that project's GitLab would. */
import { ValidationError } from '../errors.js';
import { signalOnly, type GitlabApi, type GitlabCallOptions } from '../gitlab/api.js';
import { encodeId, type GitlabRef } from '../ids/gitlab-ref.js';

export interface CiLintResult {
  valid: boolean;
  errors: string[];
  warnings: string[];
  mergedYaml: string | undefined;
}

/** GitLab's answer (`POST …/ci/lint`); `includes` and `jobs` are not read. */
type CiLintRow = {
  valid?: boolean;
  errors?: string[];
  warnings?: string[];
  merged_yaml?: string | null;
};

export async function lintCiConfig(
  api: GitlabApi,
  project: GitlabRef,
  content: string,
  options: { ref?: string; dryRun?: boolean } & GitlabCallOptions = {},
): Promise<CiLintResult> {
  if (typeof content !== 'string' || content.trim() === '') {
    throw new ValidationError('content', 'not empty', 'content: the pipeline to lint is empty');
  }
  const body: Record<string, unknown> = { content, include_jobs: false };
  if (options.dryRun !== undefined) body.dry_run = options.dryRun;
  if (options.ref !== undefined) body.ref = options.ref;
  const { body: answer } = await api.request<CiLintRow | undefined>('POST', `projects/${encodeId(project)}/ci/lint`, {
    body,
    ...signalOnly(options),
  });
  const row = answer ?? {};
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    valid: row.valid === true,
    errors: strings(row.errors),
    warnings: strings(row.warnings),
    mergedYaml: typeof row.merged_yaml === 'string' ? row.merged_yaml : undefined,
  };
}
