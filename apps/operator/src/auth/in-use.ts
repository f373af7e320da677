/**
 * The auth Secret must outlive the objects that need it. When a namespace is deleted, Kubernetes
 * deletes everything in it at once: without a guard the PAT's Secret can go first, and the
 * objects' finalizers can then never authenticate to revoke (External Secrets #6773: the
 * namespace hangs in Terminating). So the operator holds a finalizer on each auth Secret that an
 * object references, and releases it only when no object needs it any more. A label marks such
 * Secrets, so the operator's Secret cache can select them (it never caches every Secret).
 *
 * Both changes are JSON patches that set `metadata.resourceVersion` to the one read: the
 * apiserver then refuses the write with 409 if the Secret changed meanwhile (a precondition), so
 * another writer's finalizer is never lost. Both report whether they wrote.
 */
import { CoreV1Api, type KubeConfig, type V1Secret } from '@kubernetes/client-node';
import { kubeCall, statusOf } from '@glkeys/core/kubernetes';

export const AUTH_FINALIZER = 'glkeys.io/auth-in-use';
export const AUTH_LABEL = 'glkeys.io/auth';

/** Adds the finalizer and label when missing. False when nothing was written (or the Secret is gone). */
export async function holdAuthSecret(kubeConfig: KubeConfig, namespace: string, name: string): Promise<boolean> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const secret = await read(core, namespace, name);
  if (!secret || secret.metadata?.deletionTimestamp) return false;
  const finalizers = secret.metadata?.finalizers ?? [];
  const labelled = secret.metadata?.labels?.[AUTH_LABEL] === 'true';
  if (finalizers.includes(AUTH_FINALIZER) && labelled) return false;
  const ops: object[] = [{ op: 'replace', path: '/metadata/resourceVersion', value: secret.metadata?.resourceVersion }];
  if (!finalizers.includes(AUTH_FINALIZER)) {
    ops.push(
      secret.metadata?.finalizers
        ? { op: 'add', path: '/metadata/finalizers/-', value: AUTH_FINALIZER }
        : { op: 'add', path: '/metadata/finalizers', value: [AUTH_FINALIZER] },
    );
  }
  if (!labelled) {
    ops.push(
      secret.metadata?.labels
        ? { op: 'add', path: `/metadata/labels/${escape(AUTH_LABEL)}`, value: 'true' }
        : { op: 'add', path: '/metadata/labels', value: { [AUTH_LABEL]: 'true' } },
    );
  }
  await patch(core, namespace, name, ops);
  return true;
}

/** Removes the finalizer (the label stays harmlessly until the Secret goes). False when nothing was written. */
export async function releaseAuthSecret(kubeConfig: KubeConfig, namespace: string, name: string): Promise<boolean> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const secret = await read(core, namespace, name);
  const index = secret?.metadata?.finalizers?.indexOf(AUTH_FINALIZER) ?? -1;
  if (!secret || index < 0) return false;
  await patch(core, namespace, name, [
    { op: 'replace', path: '/metadata/resourceVersion', value: secret.metadata?.resourceVersion },
    { op: 'remove', path: `/metadata/finalizers/${index}` },
  ]);
  return true;
}

async function read(core: CoreV1Api, namespace: string, name: string): Promise<V1Secret | undefined> {
  try {
    return await kubeCall({ verb: 'get', resource: 'Secret', namespace, name }, () => core.readNamespacedSecret({ name, namespace }));
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw error;
  }
}

async function patch(core: CoreV1Api, namespace: string, name: string, body: object[]): Promise<void> {
  await kubeCall({ verb: 'patch', resource: 'Secret', namespace, name }, () => core.patchNamespacedSecret({ name, namespace, body }));
}

/** JSON Pointer escaping for a label key (`/` and `~`). */
function escape(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}
