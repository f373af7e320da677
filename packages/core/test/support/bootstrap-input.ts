/** A complete bootstrapGitlab input for tests: alice's personal "fleet", deploy token, committed. */
import type { GitlabClient } from '../../src/index.js';
import { MemorySecretStore } from '../../src/index.js';
import type { BootstrapGitlabInput } from '../../src/bootstrap/index.js';

export function bootstrapInput(client: GitlabClient, overrides: Partial<BootstrapGitlabInput> = {}): BootstrapGitlabInput {
  return {
    client,
    owner: 'alice',
    repository: 'fleet',
    personal: true,
    visibility: 'private',
    branch: 'main',
    path: 'clusters/a',
    secretName: 'flux-system',
    namespace: 'flux-system',
    interval: '1m',
    auth: { kind: 'deploy-token' },
    clusterId: 'cluster-a',
    store: new MemorySecretStore(),
    commit: true,
    ...overrides,
  };
}
