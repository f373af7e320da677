/**
 * `@glkeys/core/kubernetes`: the Secret store on a real cluster and the Kubernetes call
 * wrapper. The only entry that loads @kubernetes/client-node, so `@glkeys/core` alone never does.
 * The error classes are also exported by the main entry (they do not need the client).
 */
export { loadKubeConfig } from './kubeconfig.js';
export { reuseConnections, type ReuseConnectionsOptions } from './connection-reuse.js';
export { clusterIdentity } from './cluster-identity.js';
export { KubernetesSecretStore, type KubernetesSecretStoreOptions } from './secret-store.js';
export { kubeCall, statusOf, type KubeCallOptions } from './kube-call.js';
export { KubernetesApiError, ConflictError, type KubeRequest, type KubeReason } from './errors.js';
