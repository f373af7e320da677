/** GitLab's CI Lint API for a project: validates a pipeline the way that project's GitLab would. */
import { ValidationError } from '../errors.js';
import type { GitlabClient } from '../gitlab/client.js';
import { encodeId, type GitlabRef } from '../ids/gitlab-ref.js';

export interface CiLintResult {
  valid: boolean;
  errors: string[];
  warnings: string[];
  mergedYaml: string | undefined;
}

export async function lintCiConfig(
  client: GitlabClient,
  project: GitlabRef,
  content: string,
  options: { ref?: string; dryRun?: boolean } = {},
): Promise<CiLintResult> {
  if (typeof content !== 'string' || content.trim() === '') {
    throw new ValidationError('content', 'not empty', 'content: the pipeline to lint is empty');
  }
  const body: Record<string, unknown> = { content, include_jobs: false };
  if (options.dryRun !== undefined) body.dry_run = options.dryRun;
  if (options.ref !== undefined) body.ref = options.ref;
  const { body: answer } = await client.request('POST', `projects/${encodeId(project)}/ci/lint`, { body });
  const row = (answer ?? {}) as Record<string, unknown>;
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  return {
    valid: row.valid === true,
    errors: strings(row.errors),
    warnings: strings(row.warnings),
    mergedYaml: typeof row.merged_yaml === 'string' ? row.merged_yaml : undefined,
  };
}
