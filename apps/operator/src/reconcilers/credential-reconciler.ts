/**
 * The reconcile of one GitlabDeployToken or GitlabDeployKey: read the object fresh, make sure its
 * credential fits its spec through core's Secret binding, write status and Events only when they
 * changed, and say when to look again. It knows nothing of informers or queues (the runtime calls
 * it with a key and an AbortSignal) and nothing of GitLab's API (core does that).
 *
 * Writes per reconcile: a fresh credential costs 1 GitLab call (an ID; a path costs a GET more)
 * and the binding's 2 Secret writes plus the first reconcile's finalizers and status; a no-op
 * reconcile costs 0 GitLab writes and 0 Kubernetes writes (a verifying one, 1 GitLab GET).
 */
import {
  ConflictError,
  ForeignStateError,
  isTerminal,
  parseGoDuration,
  retryAfterMs,
  revokeCredentialSecret,
  type CredentialSecretResult,
  type GlkeysError,
} from '@glkeys/core';
import { KubernetesApiError, KubernetesSecretStore, kubeCall, statusOf } from '@glkeys/core/kubernetes';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { AccessError, readAccess } from '../auth/access.js';
import { holdAuthSecret } from '../auth/in-use.js';
import type { EventRecorder, InvolvedObject } from '../events/recorder.js';
import { gitRepositoriesUsing, hasSwitched, requestReconcile } from '../flux/handover.js';
import type { GitlabClients } from '../gitlab/clients.js';
import type { RateLimitGate } from '../gitlab/rate-limit-gate.js';
import { outcomeConditions } from '../status/conditions.js';
import { finalizeCredential, type OrphanRecorder } from './finalize.js';
import { sshHostOf, type KindAdapter } from './kinds.js';
import { CredentialObjects } from './objects.js';
import {
  API_VERSION,
  FINALIZER,
  REQUESTED_AT,
  type CommonSpec,
  type CredentialObject,
  type CredentialStatus,
  type DeployKeySpec,
} from './spec.js';
import { sameJson, statusAfterBinding } from './status.js';

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export interface CredentialMetrics {
  minted(kind: string, action: 'created' | 'rotated' | 'repaired'): void;
  revoked(kind: string, count: number): void;
  orphansCollected(kind: string, count: number): void;
  secondsToExpiry(kind: string, namespace: string, name: string, seconds: number | undefined): void;
}

export interface ReconcilerDeps {
  kubeConfig: KubeConfig;
  clients: GitlabClients;
  gate: RateLimitGate;
  events: EventRecorder;
  metrics?: CredentialMetrics;
  orphans?: OrphanRecorder;
  /** Scans an SSH host for known_hosts (deploy keys without `spec.knownHosts`). */
  scanKnownHosts: (host: string, port: number) => Promise<string>;
  /** Default verify interval when the spec gives none. Default 1 h. */
  defaultVerifyIntervalMs?: number;
  /** How long deletion keeps trying to revoke before it records the credential as orphaned. Default 1 h. */
  revokeGiveUpAfterMs?: number;
  now?: () => Date;
}

const DEFAULT_VERIFY_MS = 3_600_000;
/** While Flux has not reported the switch, look again this often. */
const HANDOVER_POLL_MS = 5_000;
/** known_hosts of a host is scanned at most this often. */
const KNOWN_HOSTS_TTL_MS = 3_600_000;
/**
 * A referenced Secret or ConfigMap that does not exist is looked for again after 10 s, doubling
 * up to 10 min: its creation sends no event here (only Secrets glkeys labelled are watched, never
 * every Secret in the cluster), and an edit of the object still requeues it at once.
 */
const MISSING_REF_FIRST_MS = 10_000;
const MISSING_REF_MAX_MS = 600_000;
const MISSING_REFS: ReadonlySet<string> = new Set(['AuthSecretNotFound', 'AuthKeyNotFound', 'CABundleNotFound', 'CABundleKeyNotFound']);

export function credentialReconciler<
  S extends CommonSpec & { target: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> } },
>(adapter: KindAdapter<S>, deps: ReconcilerDeps): (key: string, ctx: { signal: AbortSignal }) => Promise<ReconcileResult> {
  const objects = new CredentialObjects<S>(deps.kubeConfig, adapter);
  const verifiedAt = new Map<string, number>();
  const missingRefLooks = new Map<string, number>();
  const knownHosts = new Map<string, { value: string; at: number }>();
  const clock = () => deps.now?.() ?? new Date();

  return async function reconcile(key, { signal }) {
    const [namespace, name] = splitKey(key);
    const object = await objects.get(namespace, name, signal);
    if (!object) {
      verifiedAt.delete(key);
      missingRefLooks.delete(key);
      return {};
    }
    if (object.metadata.deletionTimestamp) {
      verifiedAt.delete(key);
      missingRefLooks.delete(key);
      return finalizeCredential(adapter, objects, object, { ...deps, now: clock }, signal);
    }
    await objects.addFinalizer(object, FINALIZER, signal);
    const involved = involvedOf(adapter, object);
    let userKey: string | undefined;
    try {
      const spec = object.spec;
      const access = await readAccess(
        deps.kubeConfig,
        namespace,
        { url: spec.url ?? 'https://gitlab.com', auth: spec.auth, caBundle: spec.caBundle },
        signal,
      );
      missingRefLooks.delete(key);
      await holdAuthSecret(deps.kubeConfig, namespace, spec.auth.token.secretRef.name);
      const entry = deps.clients.get(access);
      userKey = entry.userKey;
      const paused = deps.gate.remainingMs(entry.userKey);
      if (paused > 0) return { requeueAfterMs: paused };

      const now = clock();
      const durations = durationsOf(spec, deps);
      const requested = object.metadata.annotations?.[REQUESTED_AT];
      const lastVerified = verifiedAt.get(key);
      const verify =
        (requested !== undefined && requested !== object.status?.lastHandledReconcileAt) ||
        lastVerified === undefined ||
        now.getTime() - lastVerified >= durations.verifyMs;

      const handover = object.status?.fluxHandover;
      let revokeRetired = false;
      if (handover) {
        const repos = await gitRepositoriesUsing(deps.kubeConfig, namespace, spec.target.name);
        revokeRetired = handover.repositories.every((repoName) => {
          const repo = repos.find((r) => r.metadata.name === repoName);
          return repo === undefined || hasSwitched(repo, handover.requestedAt);
        });
      }

      if (object.status?.targetName && object.status.targetName !== spec.target.name) {
        await retireOldTarget(adapter, object, object.status.targetName, entry.client, deps.kubeConfig, signal);
      }
      const extra =
        adapter.kind === 'GitlabDeployKey'
          ? { knownHosts: await knownHostsFor(spec as unknown as DeployKeySpec, knownHosts, deps, now) }
          : {};
      const common = {
        client: entry.client,
        store: new KubernetesSecretStore(deps.kubeConfig, namespace, spec.target.name),
        secret: {
          namespace,
          name: spec.target.name,
          ...(spec.target.labels ? { labels: spec.target.labels } : {}),
          ...(spec.target.annotations ? { annotations: spec.target.annotations } : {}),
          ownerReferences: [
            { apiVersion: API_VERSION, kind: adapter.kind, name, uid: object.metadata.uid, controller: true, blockOwnerDeletion: true },
          ],
        },
        owner: ownerOf(adapter, object),
        mode: 'ensure' as const,
        verify,
        revokeRetired,
        graceMs: durations.graceMs,
        rotateBeforeExpiryMs: durations.rotateBeforeMs,
        ...(durations.refreshMs === undefined ? {} : { maxAgeMs: durations.refreshMs }),
        signal,
      };
      let out = await adapter.bind(common, spec, `${namespace}/${name}`, extra);
      if (out.result.action === 'created' && object.status?.credential) {
        // The Secret lost its state (deleted or replaced): what the old one held carries our marker.
        const collected = await adapter.bind({ ...common, verify: false, collectStrays: true }, spec, `${namespace}/${name}`, extra);
        out = { ...out, result: { ...out.result, revoked: [...out.result.revoked, ...collected.result.revoked] } };
        deps.metrics?.orphansCollected(adapter.kind, collected.result.revoked.length);
      }
      if (verify) verifiedAt.set(key, now.getTime());

      let fluxHandover: CredentialStatus['fluxHandover'] | undefined = out.result.state.retiring.length > 0 ? handover : undefined;
      if (out.result.action === 'rotated' && out.result.state.retiring.length > 0) {
        fluxHandover = await startHandover(deps.kubeConfig, namespace, spec.target.name, now);
      }
      await recordOutcome(deps, adapter, involved, out);
      const status = statusAfterBinding(
        object,
        out,
        spec.target.name,
        now,
        requested === undefined ? {} : { lastHandledReconcileAt: requested },
      );
      if (fluxHandover) status.fluxHandover = fluxHandover;
      else delete status.fluxHandover;
      if (!sameJson(status, object.status)) await objects.writeStatus(object, status, signal);
      deps.metrics?.secondsToExpiry(adapter.kind, namespace, name, expirySeconds(out, now));
      return { requeueAfterMs: nextLook(out, now, durations.verifyMs, verifiedAt.get(key) ?? now.getTime(), fluxHandover !== undefined) };
    } catch (error) {
      return failed(error);
    }

    async function failed(error: unknown): Promise<ReconcileResult> {
      if (error instanceof ConflictError) throw error; // read again, at once
      const wait = retryAfterMs(error);
      if (wait !== undefined && userKey !== undefined && (error as GlkeysError).code === 'RATE_LIMITED') {
        deps.gate.pause(userKey, wait);
        return { requeueAfterMs: wait };
      }
      // The apiserver refusing the operator itself (its RBAC) is no fault of the object: fixing the
      // Role sends no event here, so it is an error, logged and retried with backoff.
      const forbidden = error instanceof KubernetesApiError && (error.status === 401 || error.status === 403);
      const stalled = !forbidden && (error instanceof AccessError || error instanceof ForeignStateError || isTerminal(error));
      const reason = forbidden
        ? 'OperatorForbidden'
        : error instanceof AccessError
          ? error.reason
          : error instanceof ForeignStateError
            ? 'SecretOwnedElsewhere'
            : stalled
              ? 'InvalidSpec'
              : 'ReconcileFailed';
      const message = messageOf(adapter, error);
      await writeFailure(object!, stalled ? 'stalled' : 'failing', reason, message);
      await deps.events.record(involved, 'Warning', reason, message);
      if (error instanceof AccessError && MISSING_REFS.has(error.reason)) {
        const looks = missingRefLooks.get(key) ?? 0;
        missingRefLooks.set(key, looks + 1);
        return { requeueAfterMs: Math.min(MISSING_REF_FIRST_MS * 2 ** looks, MISSING_REF_MAX_MS) };
      }
      if (stalled) return {}; // an edit of the object or of what it references requeues it
      throw error;
    }

    async function writeFailure(target: CredentialObject<S>, state: 'stalled' | 'failing', reason: string, message: string): Promise<void> {
      const previous = target.status ?? {};
      const status: CredentialStatus = {
        ...previous,
        observedGeneration: target.metadata.generation ?? 0,
        conditions: outcomeConditions(
          previous.conditions ?? [],
          { state, reason, message, generation: target.metadata.generation },
          clock(),
        ),
      };
      if (!sameJson(status, target.status)) await objects.writeStatus(target, status, signal).catch(() => undefined);
    }
  };
}

/** The lifecycle owner: the object's UID (a re-created object with the same name is a new owner). */
export function ownerOf(adapter: { kind: string }, object: { metadata: { uid: string } }): string {
  return `${API_VERSION}/${adapter.kind}/${object.metadata.uid}`;
}

export function involvedOf(adapter: { kind: string }, object: CredentialObject<unknown>): InvolvedObject {
  const { namespace, name, uid, resourceVersion } = object.metadata;
  return { apiVersion: API_VERSION, kind: adapter.kind, namespace, name, uid, resourceVersion };
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}

function durationsOf(spec: CommonSpec, deps: ReconcilerDeps) {
  // The CRD's CEL rules set the minimums; a grace period or a rotate-before window may be 0s.
  const ms = (value: string | undefined, field: string) =>
    value === undefined ? undefined : parseGoDuration(value, field, { minimumMs: 0 });
  return {
    verifyMs: ms(spec.verifyInterval, 'spec.verifyInterval') ?? deps.defaultVerifyIntervalMs ?? DEFAULT_VERIFY_MS,
    graceMs: ms(spec.gracePeriod, 'spec.gracePeriod') ?? 0,
    rotateBeforeMs: ms(spec.rotateBefore, 'spec.rotateBefore') ?? 0,
    refreshMs: ms(spec.refreshInterval, 'spec.refreshInterval'),
  };
}

/** The Secret was renamed: revoke what the old one held, then delete it (it is ours: owned by the object). */
async function retireOldTarget<S extends CommonSpec & { target: { name: string } }>(
  adapter: KindAdapter<S>,
  object: CredentialObject<S>,
  oldName: string,
  client: Parameters<KindAdapter<S>['bind']>[0]['client'],
  kubeConfig: KubeConfig,
  signal: AbortSignal,
): Promise<void> {
  const { namespace } = object.metadata;
  await revokeCredentialSecret({
    client,
    store: new KubernetesSecretStore(kubeConfig, namespace, oldName),
    secret: { namespace, name: oldName },
    owner: ownerOf(adapter, object),
    name: object.metadata.name,
    target: adapter.target(object.spec),
    kind: adapter.credentialKind,
    persist: false,
    signal,
  });
  const core = kubeConfig.makeApiClient(CoreV1Api);
  try {
    await kubeCall(
      { verb: 'delete', resource: 'Secret', namespace, name: oldName },
      () => core.deleteNamespacedSecret({ name: oldName, namespace }),
      { signal },
    );
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
}

async function knownHostsFor(
  spec: DeployKeySpec,
  cache: Map<string, { value: string; at: number }>,
  deps: ReconcilerDeps,
  now: Date,
): Promise<string> {
  if (spec.knownHosts) return spec.knownHosts;
  const { host, port } = sshHostOf(spec);
  const key = `${host}:${port}`;
  const cached = cache.get(key);
  if (cached && now.getTime() - cached.at < KNOWN_HOSTS_TTL_MS) return cached.value;
  const value = await deps.scanKnownHosts(host, port);
  cache.set(key, { value, at: now.getTime() });
  return value;
}

async function startHandover(
  kubeConfig: KubeConfig,
  namespace: string,
  secretName: string,
  now: Date,
): Promise<CredentialStatus['fluxHandover'] | undefined> {
  const repos = await gitRepositoriesUsing(kubeConfig, namespace, secretName);
  if (repos.length === 0) return undefined;
  const token = now.toISOString();
  for (const repo of repos) await requestReconcile(kubeConfig, repo, token);
  return { requestedAt: token, repositories: repos.map((r) => r.metadata.name) };
}

async function recordOutcome(
  deps: ReconcilerDeps,
  adapter: { kind: string },
  involved: InvolvedObject,
  out: CredentialSecretResult,
): Promise<void> {
  const { action, reason, revoked } = out.result;
  const id = out.credential?.id;
  if (action === 'created' || action === 'rotated' || action === 'repaired') {
    deps.metrics?.minted(adapter.kind, action);
    const why = reason ? ` (${reason})` : '';
    await deps.events.record(
      involved,
      'Normal',
      action === 'created' ? 'Created' : action === 'rotated' ? 'Rotated' : 'Repaired',
      `${action[0]!.toUpperCase()}${action.slice(1)} credential ${id}${why}`,
    );
  }
  if (revoked.length > 0) {
    deps.metrics?.revoked(adapter.kind, revoked.length);
    await deps.events.record(involved, 'Normal', 'Revoked', `Revoked credential(s) ${revoked.join(', ')}`);
  }
  for (const warning of out.warnings) await deps.events.record(involved, 'Warning', 'RevokeFailed', warning);
}

function nextLook(out: CredentialSecretResult, now: Date, verifyMs: number, verifiedAt: number, handover: boolean): number {
  const candidates = [verifiedAt + verifyMs - now.getTime()];
  if (out.result.nextCheckAt) candidates.push(Date.parse(out.result.nextCheckAt) - now.getTime());
  if (handover) candidates.push(HANDOVER_POLL_MS);
  if (!out.result.settled) candidates.push(1_000);
  return Math.max(1_000, Math.min(...candidates));
}

function expirySeconds(out: CredentialSecretResult, now: Date): number | undefined {
  const expiresAt = out.credential?.expiresAt;
  return expiresAt ? Math.round((Date.parse(expiresAt) - now.getTime()) / 1000) : undefined;
}

/** Core's message with its field names as the CR's (`spec.projectID`). */
function messageOf(adapter: { fieldPaths: Record<string, string> }, error: unknown): string {
  const e = error as { message?: unknown; field?: unknown };
  let message = typeof e.message === 'string' ? e.message : String(error);
  if (typeof e.field === 'string' && adapter.fieldPaths[e.field] && message.startsWith(`${e.field}:`)) {
    message = `${adapter.fieldPaths[e.field]}:${message.slice(e.field.length + 1)}`;
  }
  return message.slice(0, 1024);
}

export type { CredentialObject };
