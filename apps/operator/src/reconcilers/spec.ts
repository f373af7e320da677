/**
 * The two kinds as the reconcilers see them. Field names are the CRDs' (and, where they overlap,
 * External Secrets' generator's). The CRD schema in src/api is the source of truth; these shapes
 * follow it.
 */
import type { Condition } from '../status/conditions.js';

export const GROUP = 'glkeys.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export interface KeyRef {
  name: string;
  key: string;
}

export interface CommonSpec {
  url?: string;
  expiresAt?: string;
  expiresAfter?: string;
  refreshInterval?: string;
  rotateBefore?: string;
  verifyInterval?: string;
  gracePeriod?: string;
  caBundle?: { secretRef?: KeyRef; configMapRef?: KeyRef };
  deletionPolicy?: 'Revoke' | 'Orphan';
  auth: { token: { secretRef: KeyRef } };
}

export interface DeployTokenSpec extends CommonSpec {
  projectID?: string;
  groupID?: string;
  name?: string;
  scopes: string[];
  username?: string;
  target: { name: string; format?: 'token' | 'flux-https' | 'dockerconfigjson'; registryHost?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface DeployKeySpec extends CommonSpec {
  projectID: string;
  title?: string;
  canPush?: boolean;
  key?: { algorithm?: 'ecdsa' | 'ed25519' | 'rsa'; ecdsaCurve?: 'p256' | 'p384' | 'p521'; rsaBits?: number };
  sshHost?: string;
  knownHosts?: string;
  target: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface CredentialStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  credential?: { id: number; name: string; username?: string; fingerprint?: string; expiresAt?: string | null; createdAt?: string };
  /** The Secret the credential was last written to (a renamed target is cleaned up). */
  targetName?: string;
  lastRotation?: string;
  nextCheck?: string;
  pendingRevocations?: { id: number; revokeAfter: string }[];
  /** The `reconcile.glkeys.io/requestedAt` value last handled. */
  lastHandledReconcileAt?: string;
  /** A Flux hand-over in progress: the request token given to the GitRepositories. */
  fluxHandover?: { requestedAt: string; repositories: string[] };
}

export interface CredentialObject<S> {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec: S;
  status?: CredentialStatus;
}

export const FINALIZER = 'glkeys.io/revoke';
/** Flux's convention, in our group: set it to any new value to reconcile and verify now. */
export const REQUESTED_AT = 'reconcile.glkeys.io/requestedAt';
