/** The Kubernetes side, loaded only by commands that write a Secret (it is the heaviest import). */
import { Flags } from '@oclif/core';
import type { SecretStore } from '@glkeys/core';

export interface KubeTarget {
  store: SecretStore & { writes: number };
  clusterId: string;
}

/** Flags of commands that keep a credential in a Secret through core's binding. */
export const bindingFlags = {
  'take-over': Flags.boolean({
    summary: "Replace a Secret that another owner (or a person) wrote; the other owner's glkeys credentials are revoked.",
    helpGroup: 'KUBERNETES',
  }),
  'create-namespace': Flags.boolean({
    summary: 'Create --namespace if it does not exist (by default a missing namespace is an error).',
    helpGroup: 'KUBERNETES',
  }),
};

export async function secretTarget(
  flags: { kubeconfig?: string | undefined; context?: string | undefined },
  namespace: string,
  name: string,
  options: { createNamespace?: boolean } = {},
): Promise<KubeTarget> {
  const kube = await import('@glkeys/core/kubernetes');
  const kubeConfig = kube.loadKubeConfig({ kubeconfig: flags.kubeconfig, context: flags.context });
  const clusterId = await kube.clusterIdentity(kubeConfig);
  return { store: new kube.KubernetesSecretStore(kubeConfig, namespace, name, options), clusterId };
}

/** The owner of a `--secret` credential (the Secret in this cluster) and the 0.1 identity it had. */
export function secretOwners(
  core: typeof import('@glkeys/core'),
  clusterId: string,
  flags: { namespace: string; secret: string },
  target: string,
): { owner: string; legacyOwners: string[] } {
  const secret = { clusterId, namespace: flags.namespace, secretName: flags.secret };
  return { owner: core.secretOwner(secret), legacyOwners: [core.legacySecretOwner({ ...secret, target })] };
}

/** What every `--secret` binding passes to core besides its kind's spec: where, how, and whether to take over. */
export function secretBinding(flags: { namespace: string; secret: string; 'take-over'?: boolean | undefined }, mode: 'ensure' | 'rotate') {
  return { secret: { namespace: flags.namespace, name: flags.secret }, mode, ...(flags['take-over'] ? { takeOver: true } : {}) };
}

/** The CLI's report of a binding's outcome (the kind adds its own fields). */
export function bindingReport(out: {
  result: { action: string; revoked: number[]; replacedOwner?: { ownerKey: string | undefined; revoked: number[] } | undefined };
  warnings: string[];
  credential?: { id: number; name: string; expiresAt: string | null } | undefined;
}) {
  const current = out.credential!;
  return {
    action: out.result.action,
    id: current.id,
    expiresAt: current.expiresAt,
    revoked: out.result.revoked,
    replacedOwner: out.result.replacedOwner,
    warnings: out.warnings,
  };
}

/**
 * Bootstrap creates flux-system when missing, as `flux bootstrap` does; any other namespace only
 * with --create-namespace, so a typo in --namespace is refused instead of becoming a namespace.
 */
export function createsNamespace(flags: { namespace: string; 'create-namespace'?: boolean | undefined }): boolean {
  return flags['create-namespace'] === true || flags.namespace === 'flux-system';
}
