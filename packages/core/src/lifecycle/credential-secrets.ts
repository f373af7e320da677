/**
 * One function per kind of credential for "keep a credential in a Secret": the CLI's
 * `token|key create|rotate --secret`, `bootstrap gitlab` and the operator all call these.
 * Each checks everything it can locally first (names, spec, format and its options), then
 * resolves the target to its numeric ID (one GET for a path, none for an ID), then runs the
 * Secret binding.
 */
import { checkDeployKeyTitle } from '../deploy-keys/api.js';
import { checkDeployTokenName } from '../deploy-tokens/validate.js';
import type { GitlabClient } from '../gitlab/client.js';
import { checkNamespace, checkSecretName } from '../kubernetes/names.js';
import { keySecretRenderer, tokenSecretRenderer, type SecretRenderer, type TokenRenderOptions } from '../render/formats.js';
import type { CredentialTarget } from '../target.js';
import { checkDeployKeySpec, deployKeyDriver, type DeployKeySpec, type DeployKeyValue } from './deploy-key-driver.js';
import { checkDeployTokenSpec, deployTokenDriver, type DeployTokenSpec, type DeployTokenValue } from './deploy-token-driver.js';
import type { CredentialDriver } from './driver.js';
import type { LifecycleOptions } from './protocol.js';
import {
  bindCredentialToSecret,
  revokeSecretCredential,
  type SecretBindingResult,
  type SecretDecoration,
  type SecretRef,
} from './secret-binding.js';
import type { SecretStore } from './secret-store.js';
import type { CredentialRef, TargetRef } from './state.js';
import { resolveTargetRef } from './target-ref.js';

export interface CredentialSecretInput {
  client: GitlabClient;
  store: SecretStore;
  secret: SecretRef & SecretDecoration;
  /** Stable identity of the owner (a CR's UID, `cluster/namespace/secret`), not of the target. */
  owner: string;
  /** Identities an older glkeys used for this owner (their version-1 states are migrated). */
  legacyOwners?: readonly string[];
  /** Human part of the credential's GitLab name or title; the owner marker is appended. */
  name: string;
  /** Where the credential lives. A path is resolved to its numeric ID (one GET). */
  target: CredentialTarget;
  /** The target already resolved (the caller looked it up, or cached it). */
  targetRef?: TargetRef;
  /** `ensure` (default) keeps a credential that fits; `rotate` replaces it now. */
  mode?: 'ensure' | 'rotate';
  /** With `ensure`: one GET to check the current credential is alive. Default true. */
  verify?: boolean;
  /** With `ensure`: revoke retired credentials now, before their grace ends (the consumer switched). */
  revokeRetired?: boolean;
  /** Replace another owner's state in the Secret (revoking its credentials) or data glkeys did not write. */
  takeOver?: boolean;
  /** Afterwards revoke this owner's credentials the state does not hold (one list call). */
  collectStrays?: boolean;
  graceMs?: number;
  rotateBeforeExpiryMs?: number;
  maxAgeMs?: number;
  now?: () => Date;
  signal?: AbortSignal | undefined;
}

export interface DeployTokenSecretInput extends CredentialSecretInput {
  spec: DeployTokenSpec;
  /** `token` (username/token), `flux-https` (username/password [+ca.crt]) or `dockerconfigjson`. */
  format: string;
  render?: TokenRenderOptions;
}

export interface DeployKeySecretInput extends CredentialSecretInput {
  spec: DeployKeySpec;
  /** known_hosts lines for the SSH host (Flux's SSH format needs them). */
  knownHosts: string;
}

export interface CredentialSecretResult extends SecretBindingResult {
  /** The credential the Secret now holds. */
  credential: CredentialRef | undefined;
  target: TargetRef;
}

/** Every local check of a deploy token binding; throws the field's ValidationError. No call. */
export function checkDeployTokenSecret(input: Omit<DeployTokenSecretInput, 'client' | 'store'>): SecretRenderer<DeployTokenValue> {
  checkCommon(input);
  checkDeployTokenName(input.name, 'name');
  checkDeployTokenSpec(input.target.kind, input.spec);
  return tokenSecretRenderer(input.format, input.render);
}

/** Every local check of a deploy key binding; throws the field's ValidationError. No call. */
export function checkDeployKeySecret(input: Omit<DeployKeySecretInput, 'client' | 'store'>): SecretRenderer<DeployKeyValue> {
  checkCommon(input);
  checkDeployKeyTitle(input.name, 'name');
  checkDeployKeySpec(input.target.kind, input.spec);
  return keySecretRenderer(input.knownHosts);
}

export async function deployTokenToSecret(input: DeployTokenSecretInput): Promise<CredentialSecretResult> {
  const renderer = checkDeployTokenSecret(input);
  return bind(input, async () => deployTokenDriver(input.client, await targetRefOf(input), input.spec), renderer);
}

export async function deployKeyToSecret(input: DeployKeySecretInput): Promise<CredentialSecretResult> {
  const renderer = checkDeployKeySecret(input);
  return bind(input, async () => deployKeyDriver(input.client, await targetRefOf(input), input.spec), renderer);
}

/**
 * Revokes everything a Secret-bound owner has. `persist: false` leaves the Secret untouched
 * (its namespace may be terminating). The kind decides which GitLab API revokes.
 */
export async function revokeCredentialSecret(
  input: Omit<CredentialSecretInput, 'mode' | 'verify' | 'revokeRetired' | 'takeOver' | 'collectStrays'> & {
    kind: 'deploy-token' | 'deploy-key';
    persist?: boolean;
  },
): Promise<CredentialSecretResult> {
  checkCommon(input);
  const targetRef = await targetRefOf(input);
  // Revocation needs no spec: any spec gives a driver that lists and revokes.
  const driver: CredentialDriver<unknown> =
    input.kind === 'deploy-token'
      ? deployTokenDriver(input.client, targetRef, { scopes: ['read_repository'] })
      : deployKeyDriver(input.client, targetRef, {});
  const outcome = await revokeSecretCredential({
    store: input.store,
    secret: input.secret,
    lifecycle: { ...lifecycleOptions(input), driver },
    ...(input.persist === undefined ? {} : { persist: input.persist }),
    signal: input.signal,
  });
  return { ...outcome, credential: outcome.result.state.current, target: targetRef };
}

async function bind<V>(
  input: CredentialSecretInput,
  driver: () => Promise<CredentialDriver<V>>,
  renderer: SecretRenderer<V>,
): Promise<CredentialSecretResult> {
  let target: TargetRef | undefined;
  const outcome = await bindCredentialToSecret({
    store: input.store,
    secret: input.secret,
    renderer,
    lifecycle: lifecycleOptions(input),
    driver: async () => {
      const built = await driver();
      target = built.target;
      return built;
    },
    mode: input.mode ?? 'ensure',
    ...(input.verify === undefined ? {} : { verify: input.verify }),
    ...(input.revokeRetired ? { revokeRetired: true } : {}),
    ...(input.takeOver ? { takeOver: true } : {}),
    ...(input.collectStrays ? { collectStrays: true } : {}),
    signal: input.signal,
  });
  return { ...outcome, credential: outcome.result.state.current, target: target! };
}

function lifecycleOptions(input: CredentialSecretInput): Omit<LifecycleOptions<unknown>, 'persist' | 'driver'> {
  return {
    owner: input.owner,
    name: input.name,
    ...(input.legacyOwners ? { legacyOwners: input.legacyOwners } : {}),
    ...(input.graceMs === undefined ? {} : { graceMs: input.graceMs }),
    ...(input.rotateBeforeExpiryMs === undefined ? {} : { rotateBeforeExpiryMs: input.rotateBeforeExpiryMs }),
    ...(input.maxAgeMs === undefined ? {} : { maxAgeMs: input.maxAgeMs }),
    ...(input.now ? { now: input.now } : {}),
  };
}

function checkCommon(input: { secret: SecretRef }): void {
  checkNamespace(input.secret.namespace, 'secret.namespace');
  checkSecretName(input.secret.name, 'secret.name');
}

async function targetRefOf(input: CredentialSecretInput): Promise<TargetRef> {
  if (input.targetRef) return input.targetRef;
  return resolveTargetRef(input.client, input.target, input.signal ? { signal: input.signal } : {});
}

/**
 * The owner of a credential written by the CLI's `--secret`: the Secret itself, in a cluster
 * named by its kube-system UID. Not the target: the state records the target by ID, so naming
 * the project by ID or path, or renaming it, keeps the same owner and credential.
 */
export function secretOwner(input: { clusterId: string; namespace: string; secretName: string }): string {
  return `secret:${input.clusterId}/${input.namespace}/${input.secretName}`;
}

/** The identity glkeys 0.1 used (with the target as typed); its version-1 states are migrated. */
export function legacySecretOwner(input: { clusterId: string; namespace: string; secretName: string; target: string }): string {
  return `secret:${input.clusterId}/${input.namespace}/${input.secretName}@${input.target}`;
}
