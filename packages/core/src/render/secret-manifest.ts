/** A complete v1 Secret object for apply or export, with values base64-encoded in `data`. */
import type { LifecycleState } from '../lifecycle/state.js';
import { stateToAnnotations } from '../lifecycle/state.js';
import type { RenderedSecret } from './formats.js';

export interface SecretManifest {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** Set by a controller so the Secret is garbage-collected with its owner. */
    ownerReferences?: OwnerReference[];
  };
  type: string;
  data: Record<string, string>;
}

/** A Kubernetes owner reference (the fields the apiserver needs). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'glkeys' } as const;

export function secretManifest(input: {
  name: string;
  namespace: string;
  rendered: RenderedSecret;
  state?: LifecycleState;
  labels?: Record<string, string>;
}): SecretManifest {
  const data: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.rendered.stringData)) data[key] = Buffer.from(value, 'utf8').toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: input.name,
      namespace: input.namespace,
      labels: { ...MANAGED_BY_LABEL, ...input.labels },
      annotations: { ...input.rendered.annotations, ...(input.state ? stateToAnnotations(input.state) : {}) },
    },
    type: input.rendered.type,
    data,
  };
}
