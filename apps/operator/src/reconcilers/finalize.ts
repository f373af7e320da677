/**
 * Deleting an object revokes everything it owns (its state in the Secret, and its marker for
 * strays), then removes the finalizer; `deletionPolicy: Orphan` keeps the credential. The Secret is
 * never written (its namespace may be terminating). A failing revoke is retried with backoff and
 * shown as a condition and an Event. When revocation is truly impossible (the PAT is revoked, the
 * auth Secret is gone) the operator gives up after a bounded time with a Warning Event, a metric
 * and a record without secret values that `glkeys` can act on later, so no namespace hangs.
 * Last, the auth Secret is released when no other object still needs it.
 */
import { isTerminal, revokeCredentialSecret } from '@glkeys/core';
import { KubernetesSecretStore } from '@glkeys/core/kubernetes';
import type { KubeConfig } from '@kubernetes/client-node';
import { readAccess } from '../auth/access.js';
import { releaseAuthSecret } from '../auth/in-use.js';
import { outcomeConditions } from '../status/conditions.js';
import { involvedOf, ownerOf, type ReconcileResult, type ReconcilerDeps } from './credential-reconciler.js';
import type { KindAdapter } from './kinds.js';
import type { CredentialObjects } from './objects.js';
import { FINALIZER, type CommonSpec, type CredentialObject } from './spec.js';
import { sameJson } from './status.js';

/** What the operator records when it gives up revoking: enough to find and revoke by hand, no secret. */
export interface OrphanRecord {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  gitlab: string;
  target: string;
  /** The owner key in the credentials' GitLab names (`glkeys:<ownerKey>/g<n>`). */
  ownerMarker: string;
  credentialIds: number[];
  abandonedAt: string;
  reason: string;
}

export interface OrphanRecorder {
  record(orphan: OrphanRecord): Promise<void>;
}

/** What deletion needs of the reconciler's dependencies, with the clock resolved. */
export type FinalizeDeps = Pick<
  ReconcilerDeps,
  'kubeConfig' | 'clients' | 'gate' | 'events' | 'metrics' | 'orphans' | 'revokeGiveUpAfterMs'
> & { now: () => Date };

const GIVE_UP_AFTER_MS = 3_600_000;

export async function finalizeCredential<S extends CommonSpec & { target: { name: string } }>(
  adapter: KindAdapter<S>,
  objects: CredentialObjects<S>,
  object: CredentialObject<S>,
  deps: FinalizeDeps,
  signal: AbortSignal,
): Promise<ReconcileResult> {
  if (!object.metadata.finalizers?.includes(FINALIZER)) return {};
  const { namespace } = object.metadata;
  const involved = involvedOf(adapter, object);
  if ((object.spec.deletionPolicy ?? 'Revoke') === 'Revoke') {
    try {
      const access = await readAccess(
        deps.kubeConfig,
        namespace,
        { url: object.spec.url ?? 'https://gitlab.com', auth: object.spec.auth, caBundle: object.spec.caBundle },
        signal,
      );
      const { client, userKey } = deps.clients.get(access);
      const paused = deps.gate.remainingMs(userKey);
      if (paused > 0) return { requeueAfterMs: paused };
      let revoked = 0;
      for (const secretName of new Set([object.spec.target.name, object.status?.targetName].filter((n): n is string => !!n))) {
        const out = await revokeCredentialSecret({
          client,
          store: new KubernetesSecretStore(deps.kubeConfig, namespace, secretName),
          secret: { namespace, name: secretName },
          owner: ownerOf(adapter, object),
          name: object.metadata.name,
          target: adapter.target(object.spec),
          kind: adapter.credentialKind,
          persist: false,
          signal,
        });
        revoked += out.result.revoked.length;
      }
      deps.metrics?.revoked(adapter.kind, revoked);
      await deps.events.record(involved, 'Normal', 'Revoked', `Revoked ${revoked} credential(s) on deletion`);
    } catch (error) {
      const deletedAt = Date.parse(object.metadata.deletionTimestamp!);
      const elapsed = deps.now().getTime() - deletedAt;
      const message = (error as Error).message?.slice(0, 512) ?? String(error);
      if (elapsed < (deps.revokeGiveUpAfterMs ?? GIVE_UP_AFTER_MS)) {
        await deps.events.record(involved, 'Warning', 'RevokeFailed', `Revoking on deletion failed, will retry: ${message}`);
        await writeCondition(objects, object, 'RevokeFailed', `Revoking on deletion failed, will retry: ${message}`, deps.now(), signal);
        throw error;
      }
      // Bounded: record what is left and let the object (and its namespace) go.
      const ids = [object.status?.credential?.id, ...(object.status?.pendingRevocations ?? []).map((p) => p.id)].filter(
        (id): id is number => id !== undefined,
      );
      await deps.orphans?.record({
        kind: adapter.kind,
        namespace,
        name: object.metadata.name,
        uid: object.metadata.uid,
        gitlab: object.spec.url ?? 'https://gitlab.com',
        target: JSON.stringify(adapter.target(object.spec).ref),
        ownerMarker: (await import('@glkeys/core')).ownerKeyOf(ownerOf(adapter, object)),
        credentialIds: ids,
        abandonedAt: deps.now().toISOString(),
        reason: isTerminal(error) ? 'revocation refused' : 'revocation kept failing',
      });
      deps.metrics?.orphansCollected(`${adapter.kind}:abandoned`, ids.length);
      await deps.events.record(
        involved,
        'Warning',
        'RevokeAbandoned',
        `Gave up revoking credential(s) ${ids.join(', ') || '(unknown)'} after ${Math.round(elapsed / 1000)} s: ${message}. Recorded for \`glkeys\` to revoke later.`,
      );
    }
  }
  await objects.removeFinalizer(object, FINALIZER, signal);
  await releaseAuthIfUnused(deps.kubeConfig, objects, object);
  return {};
}

/** Releases the auth Secret unless another object of either kind still holds our finalizer and names it. */
async function releaseAuthIfUnused<S extends CommonSpec>(
  kubeConfig: KubeConfig,
  objects: CredentialObjects<S>,
  object: CredentialObject<S>,
): Promise<void> {
  const { namespace } = object.metadata;
  const secretName = object.spec.auth.token.secretRef.name;
  const others = await objects.listBothKinds(namespace);
  const needed = others.some(
    (o) =>
      o.metadata.uid !== object.metadata.uid &&
      o.spec.auth?.token?.secretRef?.name === secretName &&
      o.metadata.finalizers?.includes(FINALIZER),
  );
  if (!needed) await releaseAuthSecret(kubeConfig, namespace, secretName);
}

async function writeCondition<S>(
  objects: CredentialObjects<S>,
  object: CredentialObject<S>,
  reason: string,
  message: string,
  now: Date,
  signal: AbortSignal,
): Promise<void> {
  const previous = object.status ?? {};
  const status = {
    ...previous,
    conditions: outcomeConditions(
      previous.conditions ?? [],
      { state: 'failing', reason, message, generation: object.metadata.generation },
      now,
    ),
  };
  if (!sameJson(status, object.status)) await objects.writeStatus(object, status, signal).catch(() => undefined);
}
