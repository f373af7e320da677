/**
 * A stable identity for a cluster: the UID of its kube-system namespace. It survives
 * restarts and kubeconfig renames, and differs between clusters, so credentials named after
 * it never clash (fluxcd/flux2#964).
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { kubeCall } from './kube-call.js';
import { GlkeysError } from '../errors.js';

export async function clusterIdentity(kubeConfig: KubeConfig): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const ns = await kubeCall({ verb: 'get', resource: 'Namespace', name: 'kube-system' }, () => core.readNamespace({ name: 'kube-system' }));
  const uid = ns.metadata?.uid;
  if (!uid) throw new GlkeysError('KUBERNETES', 'Kubernetes API: namespace kube-system has no UID; is this a Kubernetes apiserver?');
  return uid;
}
