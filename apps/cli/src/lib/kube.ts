/** The Kubernetes side, loaded only by commands that write a Secret (it is the heaviest import). */
import type { SecretStore } from '@glkeys/core';

export interface KubeTarget {
  store: SecretStore & { writes: number };
  clusterId: string;
}

export async function secretTarget(flags: { kubeconfig?: string | undefined; context?: string | undefined }, namespace: string, name: string): Promise<KubeTarget> {
  const kube = await import('@glkeys/core/kubernetes');
  const kubeConfig = kube.loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  const clusterId = await kube.clusterIdentity(kubeConfig);
  return { store: new kube.KubernetesSecretStore(kubeConfig, namespace, name), clusterId };
}
