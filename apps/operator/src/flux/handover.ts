/**
 * Handing a rotated credential over to Flux. When a Flux GitRepository reads the target Secret,
 * a rotation asks it to reconcile now (`reconcile.fluxcd.io/requestedAt`, Flux's own convention)
 * and the old credential is revoked once the GitRepository reports that request handled and
 * Ready, instead of at the end of the grace period: the consumer is known to have switched.
 * The grace period stays the upper bound. Without Flux installed (no GitRepository kind) nothing
 * happens.
 */
import { CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { kubeCall, statusOf } from '@glkeys/core/kubernetes';

export const FLUX_REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt';
const GROUP = 'source.toolkit.fluxcd.io';
const VERSION = 'v1';
const PLURAL = 'gitrepositories';

export interface GitRepository {
  metadata: { name: string; namespace: string; generation?: number; annotations?: Record<string, string> };
  spec?: { secretRef?: { name?: string } };
  status?: {
    observedGeneration?: number;
    lastHandledReconcileAt?: string;
    conditions?: { type: string; status: string; observedGeneration?: number }[];
  };
}

/** The GitRepositories in `namespace` that read Secret `secretName`; none when Flux is not installed. */
export async function gitRepositoriesUsing(kubeConfig: KubeConfig, namespace: string, secretName: string): Promise<GitRepository[]> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  try {
    const list = (await kubeCall({ verb: 'list', resource: 'GitRepository', namespace }, () =>
      api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }),
    )) as { items?: GitRepository[] };
    return (list.items ?? []).filter((repo) => repo.spec?.secretRef?.name === secretName);
  } catch (error) {
    if (statusOf(error) === 404) return [];
    throw error;
  }
}

/** Asks Flux to reconcile now; `token` is what Flux echoes in `status.lastHandledReconcileAt`. */
export async function requestReconcile(kubeConfig: KubeConfig, repo: GitRepository, token: string): Promise<void> {
  const api = kubeConfig.makeApiClient(CustomObjectsApi);
  const { namespace, name } = repo.metadata;
  await kubeCall({ verb: 'patch', resource: 'GitRepository', namespace, name }, () =>
    api.patchNamespacedCustomObject({
      group: GROUP,
      version: VERSION,
      namespace,
      plural: PLURAL,
      name,
      body: [
        {
          op: 'add',
          path: repo.metadata.annotations ? `/metadata/annotations/${FLUX_REQUESTED_AT.replaceAll('/', '~1')}` : '/metadata/annotations',
          value: repo.metadata.annotations ? token : { [FLUX_REQUESTED_AT]: token },
        },
      ],
    }),
  );
}

/**
 * Whether the GitRepository handled the request `token` and is Ready for its current generation:
 * source-controller sets `lastHandledReconcileAt` to the annotation's value when it reconciles.
 */
export function hasSwitched(repo: GitRepository, token: string): boolean {
  const status = repo.status;
  if (!status || status.lastHandledReconcileAt !== token) return false;
  const ready = status.conditions?.find((c) => c.type === 'Ready');
  const generation = repo.metadata.generation ?? 0;
  return ready?.status === 'True' && (ready.observedGeneration ?? status.observedGeneration ?? 0) >= generation;
}
