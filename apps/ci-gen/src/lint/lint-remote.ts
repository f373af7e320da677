/** Lint through the project's own GitLab (POST /projects/:id/ci/lint), which knows its includes. */
import { lintCiConfig, type GitlabClient, type GitlabRef } from '@glkeys/core';
import type { LintResult } from '@glkeys/gitlab-ci-schema';

export async function lintRemote(client: GitlabClient, project: GitlabRef, yamlText: string, options: { ref?: string } = {}): Promise<LintResult> {
  const answer = await lintCiConfig(client, project, yamlText, options);
  return { valid: answer.valid, errors: answer.errors.map((message) => ({ path: '', message })) };
}
