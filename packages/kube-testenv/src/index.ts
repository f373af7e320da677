export { start, type StartOptions, type KubeTestEnv } from './start.js';
export { ensureBinaries, KubeTestEnvBuildError, type Binaries, type EnsureBinariesOptions } from './binaries.js';
export type { Identity, IdentityKubeconfig } from './identities.js';
