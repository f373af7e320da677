/** Starts the GitLab simulator and a core client for one of its seeded users. */
import { SEED_TOKENS, start, type GitlabSim, type StartOptions } from '@glkeys/gitlab-sim';
import { createGitlabClient, type GitlabClient, type GitlabClientOptions } from '../../src/index.js';

export interface SimClient {
  sim: GitlabSim;
  client: GitlabClient;
}

export async function startSim(options: StartOptions = {}, clientOptions: Partial<GitlabClientOptions> = {}): Promise<SimClient> {
  const sim = await start(options);
  const client = createGitlabClient({ host: sim.url, token: SEED_TOKENS.owner, timeoutMs: 5_000, ...clientOptions });
  return { sim, client };
}

/** Live (unrevoked, unexpired) deploy tokens of a project whose name carries `ownerKey`. */
export function liveTokens(sim: GitlabSim, projectRef: string | number, ownerKey?: string) {
  const now = Date.now();
  return sim.state
    .deployTokens(projectRef)
    .filter((t) => !t.revoked && (t.expiresAt === null || Date.parse(t.expiresAt) > now))
    .filter((t) => ownerKey === undefined || t.name.includes(`glkeys:${ownerKey}/`));
}
