/** Reading what the CLI wrote, straight from the real apiserver. */
import { CoreV1Api } from '@kubernetes/client-node';
import { testEnv } from '@glkeys/kube-testenv/vitest';

export async function readSecret(namespace: string, name: string) {
  const core = testEnv().kubeConfig.makeApiClient(CoreV1Api);
  try {
    const secret = await core.readNamespacedSecret({ name, namespace });
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    return {
      data,
      annotations: secret.metadata?.annotations ?? {},
      resourceVersion: secret.metadata?.resourceVersion,
      type: secret.type,
      managedFields: secret.metadata?.managedFields ?? [],
    };
  } catch (error) {
    if ((error as { code?: number }).code === 404) return undefined;
    throw error;
  }
}
