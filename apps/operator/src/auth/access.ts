/**
 * What a reconcile needs to talk to GitLab, read from the object's own namespace: the token from
 * `auth.token.secretRef` and an optional CA bundle from `caBundle.secretRef` or `.configMapRef`.
 * Failures are `AccessError`s with a condition reason, so the object says what is missing; none of
 * them holds a value read.
 */
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { kubeCall, statusOf } from '@glkeys/core/kubernetes';
import { GlkeysError } from '@glkeys/core';

export interface KeyRef {
  name: string;
  key: string;
}

export interface AccessSpec {
  url: string;
  auth: { token: { secretRef: KeyRef } };
  caBundle?: { secretRef?: KeyRef; configMapRef?: KeyRef } | undefined;
}

export type AccessReason = 'AuthSecretNotFound' | 'AuthKeyNotFound' | 'CABundleNotFound' | 'CABundleKeyNotFound';

/** Something the spec references is missing: terminal until that object changes (its event requeues). */
export class AccessError extends GlkeysError {
  constructor(
    readonly reason: AccessReason,
    message: string,
  ) {
    super('VALIDATION', message);
  }
}

export interface Access {
  url: string;
  token: string;
  ca?: string | undefined;
}

export async function readAccess(kubeConfig: KubeConfig, namespace: string, spec: AccessSpec, signal?: AbortSignal): Promise<Access> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const ref = spec.auth.token.secretRef;
  const token = await readKey(core, namespace, 'Secret', ref, signal, 'AuthSecretNotFound', 'AuthKeyNotFound');
  const caRef = spec.caBundle?.secretRef ?? spec.caBundle?.configMapRef;
  const ca = caRef
    ? await readKey(
        core,
        namespace,
        spec.caBundle?.secretRef ? 'Secret' : 'ConfigMap',
        caRef,
        signal,
        'CABundleNotFound',
        'CABundleKeyNotFound',
      )
    : undefined;
  return { url: spec.url, token: token.trim(), ...(ca ? { ca } : {}) };
}

async function readKey(
  core: CoreV1Api,
  namespace: string,
  kind: 'Secret' | 'ConfigMap',
  ref: KeyRef,
  signal: AbortSignal | undefined,
  missing: AccessReason,
  missingKey: AccessReason,
): Promise<string> {
  const request = { verb: 'get', resource: kind, namespace, name: ref.name };
  const options = signal ? { signal } : {};
  let value: string | undefined;
  try {
    if (kind === 'Secret') {
      const secret = await kubeCall(request, () => core.readNamespacedSecret({ name: ref.name, namespace }), options);
      const encoded = secret.data?.[ref.key];
      value = encoded === undefined ? undefined : Buffer.from(encoded, 'base64').toString('utf8');
    } else {
      const map = await kubeCall(request, () => core.readNamespacedConfigMap({ name: ref.name, namespace }), options);
      value = map.data?.[ref.key];
    }
  } catch (error) {
    if (statusOf(error) === 404) throw new AccessError(missing, `${kind} ${namespace}/${ref.name} was not found`);
    throw error;
  }
  if (value === undefined || value.trim() === '')
    throw new AccessError(missingKey, `${kind} ${namespace}/${ref.name} has no key "${ref.key}" (or it is empty)`);
  return value;
}
