/**
 * What the operator's informer caches keep of each object. Reconciles read the object and its
 * Secret fresh from the apiserver (the protocol's rule), so a cache is only for routing events
 * to keys: names, the resourceVersion that tells an update from a resync, and the few fields a
 * router looks at. Everything else (managedFields, Secret data, status, the rest of the spec)
 * would cost memory per object and keep PATs and deploy tokens in the heap for nothing.
 */
import type { KubernetesObject, V1ObjectMeta, V1OwnerReference } from '@kubernetes/client-node';

/** name, namespace, uid, resourceVersion, generation and the controller owner reference. */
export function routingMetadata(metadata: V1ObjectMeta | undefined): V1ObjectMeta {
  const controller = metadata?.ownerReferences?.find((ref) => ref.controller);
  const kept: V1ObjectMeta = {};
  if (metadata?.name !== undefined) kept.name = metadata.name;
  if (metadata?.namespace !== undefined) kept.namespace = metadata.namespace;
  if (metadata?.uid !== undefined) kept.uid = metadata.uid;
  if (metadata?.resourceVersion !== undefined) kept.resourceVersion = metadata.resourceVersion;
  if (metadata?.generation !== undefined) kept.generation = metadata.generation;
  if (controller) kept.ownerReferences = [ownerRef(controller)];
  return kept;
}

function ownerRef(ref: V1OwnerReference): V1OwnerReference {
  return { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, controller: true };
}

/** An object reduced to its routing metadata (Secrets: no data, no type). */
export function metadataOnly<T extends KubernetesObject>(obj: T): T {
  const kept = { metadata: routingMetadata(obj.metadata) } as T;
  if (obj.apiVersion !== undefined) kept.apiVersion = obj.apiVersion;
  if (obj.kind !== undefined) kept.kind = obj.kind;
  return kept;
}
