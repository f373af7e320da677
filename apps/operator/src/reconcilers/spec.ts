/**
 * The two kinds as the reconcilers see them. Field names are the CRDs' (and, where they overlap,
 * External Secrets' generator's). The CRD schema in src/api is the source of truth; these shapes
 * follow it.
 */
import type { DeployKeyCredential, DeployTokenCredential, GitlabDeployTokenSpec, GitlabDeployTokenStatus } from '../api/types.generated.js';

export const GROUP = 'glkeys.io';
export const VERSION = 'v1alpha1';
export const API_VERSION = `${GROUP}/${VERSION}`;

export type { GitlabDeployTokenSpec as DeployTokenSpec, GitlabDeployKeySpec as DeployKeySpec } from '../api/types.generated.js';

/** The fields both kinds share (the reconciler's common part). */
export type CommonSpec = Pick<
  GitlabDeployTokenSpec,
  | 'url'
  | 'expiresAt'
  | 'expiresAfter'
  | 'refreshInterval'
  | 'rotateBefore'
  | 'verifyInterval'
  | 'gracePeriod'
  | 'caBundle'
  | 'deletionPolicy'
  | 'auth'
>;

/** Either kind's status (the credential carries a username for tokens, a fingerprint for keys). */
export type CredentialStatus = Omit<GitlabDeployTokenStatus, 'credential'> & { credential?: DeployTokenCredential & DeployKeyCredential };

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
