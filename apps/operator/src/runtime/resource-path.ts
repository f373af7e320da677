/**
 * Where a resource's collection lives: `/api/v1/namespaces/<ns>/secrets`,
 * `/apis/<group>/<version>/<plural>`. From apiVersion and kind through discovery (the plural
 * of a custom resource is whatever its CRD says), or from a given cluster-wide path.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { kubeGetJSON } from './kube-http.js';

interface APIResourceList {
  resources?: { name: string; kind: string; namespaced: boolean }[];
}

export interface ResourceRef {
  kubeConfig: KubeConfig;
  apiVersion?: string;
  kind?: string;
  path?: string;
  namespace?: string;
}

const DISCOVERY_TIMEOUT_MS = 30_000;

/**
 * Fails (and the informer retries with backoff) while the group/version or kind is not served
 * yet, e.g. before its CRD is established.
 */
export async function resolveCollectionPath(ref: ResourceRef, signal: AbortSignal): Promise<string> {
  const ns = ref.namespace ? encodeURIComponent(ref.namespace) : undefined;
  if (ref.path) {
    if (!ns) return ref.path;
    const cut = ref.path.lastIndexOf('/');
    return `${ref.path.slice(0, cut)}/namespaces/${ns}${ref.path.slice(cut)}`;
  }
  const apiVersion = ref.apiVersion as string;
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const discovery = await kubeGetJSON<APIResourceList>(ref.kubeConfig, root, {}, { timeoutMs: DISCOVERY_TIMEOUT_MS, signal });
  // Subresources (`secrets/status`) share the kind; the collection is the name without a slash.
  const resource = discovery.resources?.find((r) => r.kind === ref.kind && !r.name.includes('/'));
  if (!resource) throw new Error(`${apiVersion} serves no kind ${ref.kind}`);
  if (ns && !resource.namespaced) throw new Error(`${ref.kind} is cluster-scoped: no namespace applies`);
  return ns ? `${root}/namespaces/${ns}/${resource.name}` : `${root}/${resource.name}`;
}
