// Kubernetes side of glkeys, a separate entry so `@glkeys/core` alone never loads the client.
export { loadKubeConfig } from './kubeconfig.js';
export { clusterIdentity } from './cluster-identity.js';
export { KubernetesSecretStore, FIELD_MANAGER, statusOf } from './secret-store.js';
export { kubeCall, type KubeCallOptions } from './kube-call.js';
export { KubernetesApiError, ConflictError, type KubeRequest, type KubeReason } from './errors.js';
