/** Lint through the project's own GitLab (POST /projects/:id/ci/lint), which knows its includes. */
import type { GitlabClient, GitlabRef } from '@glkeys/core';
import { lintCiConfig } from '@glkeys/core/ci';
import type { LintResult } from '@glkeys/gitlab-ci-schema';

export interface RemoteLintResult extends LintResult {
  /** GitLab's warnings (a valid pipeline may still have some, e.g. a job that never runs). */
  warnings: string[];
}

export async function lintRemote(
  client: GitlabClient,
  project: GitlabRef,
  yamlText: string,
  options: { ref?: string } = {},
): Promise<RemoteLintResult> {
  const answer = await lintCiConfig(client, project, yamlText, options);
  // GitLab's lint errors are sentences without a location; the path stays empty.
  return { valid: answer.valid, errors: answer.errors.map((message) => ({ path: '', message })), warnings: answer.warnings };
}
