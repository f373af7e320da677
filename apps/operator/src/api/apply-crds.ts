/**
 * Installs or updates the CRDs by server-side apply (raw JSON, see kube-request.ts) and waits
 * until the apiserver serves them (Established), so a caller can create objects right after.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { customResourceDefinitions } from './crd.js';
import { kubeRequest } from './kube-request.js';

const CRD_PATH = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
export const CRD_FIELD_MANAGER = 'glkeys-operator';

export interface ApplyCrdsOptions {
  /** The CRD objects to apply; default: the ones built from src/api (identical to config/crd/*.yaml). */
  crds?: ReadonlyArray<Record<string, unknown>>;
  timeoutMs?: number;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export async function applyCrds(kubeConfig: KubeConfig, options: ApplyCrdsOptions = {}): Promise<string[]> {
  const crds = options.crds ?? customResourceDefinitions();
  const names: string[] = [];
  for (const crd of crds) {
    const name = (crd.metadata as { name?: string } | undefined)?.name;
    if (!name) throw new Error('a CRD without metadata.name');
    const query = `?fieldManager=${CRD_FIELD_MANAGER}&force=true`;
    // JSON is YAML, so the apply-patch content type takes the object as it is.
    const res = await kubeRequest(kubeConfig, 'PATCH', `${CRD_PATH}/${name}${query}`, crd, 'application/apply-patch+yaml');
    if (res.status !== 200 && res.status !== 201) {
      throw new Error(
        `applying CRD ${name}: HTTP ${res.status}: ${(res.body as { message?: string } | undefined)?.message ?? JSON.stringify(res.body)}`,
      );
    }
    names.push(name);
  }
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (const name of names) await waitEstablished(kubeConfig, name, deadline);
  return names;
}

async function waitEstablished(kubeConfig: KubeConfig, name: string, deadline: number): Promise<void> {
  for (;;) {
    const res = await kubeRequest(kubeConfig, 'GET', `${CRD_PATH}/${name}`);
    const conditions = (res.body as { status?: { conditions?: Condition[] } }).status?.conditions ?? [];
    const named = conditions.find((c) => c.type === 'NamesAccepted');
    // A name clash with another CRD never resolves by waiting: say so at once.
    if (named?.status === 'False') throw new Error(`CRD ${name}: names not accepted: ${named.message ?? named.reason}`);
    if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
    if (Date.now() > deadline) throw new Error(`CRD ${name} is not Established: ${JSON.stringify(conditions)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
