/**
 * The full GitLab client (gitbeaker's resources over ky) for commands that write. Kept apart
 * from gitlab.ts so the fast path's bundle, which imports gitlab.ts, never pulls in all of core.
 */
import type { GitlabClient } from '@glkeys/core';
import { connection, retryNotice, TIMEOUT_MS, type ClientFlags } from './gitlab.js';
import { countCalls } from './gitlab-calls.js';

export async function gitlabClient(flags: ClientFlags): Promise<{ client: GitlabClient; token: string; caCert: string | undefined }> {
  const { host, token, caCert } = await connection(flags);
  const core = await import('@glkeys/core');
  const client = core.createGitlabClient({
    host,
    token,
    timeoutMs: TIMEOUT_MS,
    ...retryNotice(),
    ...countCalls(),
    ...(caCert ? { ca: caCert } : {}),
  });
  return { client, token, caCert };
}
