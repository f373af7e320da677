/**
 * The operator assembled: informers on both kinds, on the Secrets it writes (label-selected: never
 * every Secret in the cluster) and on the auth Secrets it holds; one controller per kind with core's
 * binding behind it; Lease leader election (only the leader runs informers and controllers);
 * metrics, probes and JSON logs. The bin (main.ts) parses flags and installs signal handlers; this
 * module installs nothing process-wide.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { KubeConfig, KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, scanKnownHosts } from '@glkeys/core';
import { reuseConnections } from '@glkeys/core/kubernetes';
import { AUTH_LABEL } from './auth/in-use.js';
import { EventRecorder } from './events/recorder.js';
import { GitlabClients } from './gitlab/clients.js';
import { RateLimitGate } from './gitlab/rate-limit-gate.js';
import { credentialReconciler, type CredentialMetrics } from './reconcilers/credential-reconciler.js';
import { deployKeyKind, deployTokenKind, type KindAdapter } from './reconcilers/kinds.js';
import { ConfigMapOrphanRecorder } from './reconcilers/orphans.js';
import { API_VERSION, type CommonSpec } from './reconcilers/spec.js';
import { Controller } from './runtime/controller.js';
import { createInformer, type Informer } from './runtime/informer.js';
import { LeaderElector } from './runtime/leader.js';
import { createLogger, type Logger, type LogLevel } from './runtime/log.js';
import { Manager, type Runnable } from './runtime/manager.js';
import { Metrics } from './runtime/metrics.js';
import type { LogSink } from './runtime/log-sink.js';
import { metadataOnly } from './runtime/projection.js';

/** A custom resource as its informer caches it: metadata, and the auth Secret it reads. */
type RoutedObject = KubernetesObject & { spec?: Pick<Partial<CommonSpec>, 'auth'> };

function authRefOnly(obj: RoutedObject): RoutedObject {
  const kept: RoutedObject = metadataOnly(obj);
  const secretName = obj.spec?.auth?.token?.secretRef?.name;
  if (secretName !== undefined) kept.spec = { auth: { token: { secretRef: { name: secretName } } } } as RoutedObject['spec'];
  return kept;
}

export interface OperatorOptions {
  kubeConfig: KubeConfig;
  /** Watch one namespace; all when undefined. */
  namespace?: string | undefined;
  leaderElect?: boolean;
  /** Where the Lease and the orphan record live (the operator's own namespace). */
  operatorNamespace: string;
  leaseName?: string;
  identity?: string;
  metricsBindAddress?: string;
  healthProbeBindAddress?: string;
  concurrency?: number;
  logLevel?: LogLevel;
  logger?: Logger;
  /** Lease timings (defaults 15 s / 10 s / 2 s); tests shorten them. */
  lease?: { durationMs?: number; renewDeadlineMs?: number; retryPeriodMs?: number };
  /** Default verify interval; tests shorten it. */
  defaultVerifyIntervalMs?: number;
  revokeGiveUpAfterMs?: number;
  /** known_hosts scanning (deploy keys without spec.knownHosts). */
  scanKnownHosts?: (host: string, port: number) => Promise<string>;
}

export interface Operator {
  manager: Manager;
  metrics: Metrics;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** True while this process leads (always, without leader election). */
  isLeader(): boolean;
}

export function createOperator(options: OperatorOptions): Operator {
  // Thousands of calls a minute: one keep-alive connection pool, not a TLS handshake per call.
  reuseConnections(options.kubeConfig);
  const logger = options.logger ?? createLogger({ level: options.logLevel ?? 'info' });
  const metrics = new Metrics();
  const manager = new Manager({
    logger,
    metrics,
    ...(options.metricsBindAddress === undefined ? {} : { metricsBindAddress: options.metricsBindAddress }),
    ...(options.healthProbeBindAddress === undefined ? {} : { healthProbeBindAddress: options.healthProbeBindAddress }),
  });
  const credentialMetrics = glkeysMetrics(metrics);
  const requests = metrics.counter({
    name: 'glkeys_gitlab_requests_total',
    help: 'GitLab API requests by host and status',
    labelNames: ['host', 'status'] as const,
  });
  const clients = new GitlabClients({ onAttempt: (event) => requests.inc({ host: event.host, status: String(event.status) }) });
  const gate = new RateLimitGate();
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const events = new EventRecorder(options.kubeConfig, { component: 'glkeys-operator', instance: identity });
  const deps = {
    kubeConfig: options.kubeConfig,
    clients,
    gate,
    events,
    metrics: credentialMetrics,
    orphans: new ConfigMapOrphanRecorder(options.kubeConfig, options.operatorNamespace),
    scanKnownHosts: options.scanKnownHosts ?? ((host: string, port: number) => scanKnownHosts(host, port)),
    ...(options.defaultVerifyIntervalMs === undefined ? {} : { defaultVerifyIntervalMs: options.defaultVerifyIntervalMs }),
    ...(options.revokeGiveUpAfterMs === undefined ? {} : { revokeGiveUpAfterMs: options.revokeGiveUpAfterMs }),
  };
  const sink = logSink(logger);
  const kinds = [deployTokenKind, deployKeyKind] as KindAdapter<CommonSpec & { target: { name: string } }>[];
  const pieces = kinds.map((adapter) => {
    const controller = new Controller({
      name: adapter.kind.toLowerCase(),
      reconcile: credentialReconciler(adapter, deps),
      concurrency: options.concurrency ?? 1,
      metrics,
      logger,
    });
    // Cached objects are read only for routing (who uses an auth Secret); reconciles read fresh.
    const informer = createInformer<RoutedObject>({
      kubeConfig: options.kubeConfig,
      apiVersion: API_VERSION,
      kind: adapter.kind,
      transform: authRefOnly,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      log: sink,
    });
    const enqueue = (object: KubernetesObject) => controller.enqueue(`${object.metadata?.namespace}/${object.metadata?.name}`);
    informer.on('add', enqueue);
    informer.on('update', enqueue);
    informer.on('delete', enqueue);
    return { adapter, controller, informer };
  });
  const byKind = new Map(pieces.map((p) => [p.adapter.kind, p]));

  // The Secrets glkeys writes: an edit or deletion brings their owner back to reconcile.
  const targetSecrets = createInformer<V1Secret>({
    kubeConfig: options.kubeConfig,
    apiVersion: 'v1',
    kind: 'Secret',
    labelSelector: Object.entries(MANAGED_BY_LABEL)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
    transform: metadataOnly,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    log: sink,
  });
  const toOwner = (secret: V1Secret) => {
    const owner = secret.metadata?.ownerReferences?.find((ref) => ref.controller && ref.apiVersion === API_VERSION);
    if (owner) byKind.get(owner.kind as 'GitlabDeployToken')?.controller.enqueue(`${secret.metadata?.namespace}/${owner.name}`);
  };
  for (const event of ['add', 'update', 'delete'] as const) targetSecrets.on(event, toOwner);

  // The auth Secrets it holds: a rotated PAT re-triggers every object that uses it.
  const authSecrets = createInformer<V1Secret>({
    kubeConfig: options.kubeConfig,
    apiVersion: 'v1',
    kind: 'Secret',
    labelSelector: `${AUTH_LABEL}=true`,
    transform: metadataOnly,
    ...(options.namespace ? { namespace: options.namespace } : {}),
    log: sink,
  });
  const toUsers = (secret: V1Secret) => {
    for (const { informer, controller } of pieces) {
      for (const object of informer.list(secret.metadata?.namespace)) {
        if (object.spec?.auth?.token?.secretRef?.name === secret.metadata?.name)
          controller.enqueue(`${object.metadata?.namespace}/${object.metadata?.name}`);
      }
    }
  };
  for (const event of ['update', 'delete'] as const) authSecrets.on(event, toUsers);

  const informers: Informer<never>[] = [...pieces.map((p) => p.informer), targetSecrets, authSecrets] as unknown as Informer<never>[];
  let leading = !options.leaderElect;
  const work: Runnable = {
    start: async () => {
      for (const informer of informers) informer.start();
      await Promise.all(informers.map((informer) => informer.synced()));
      for (const { controller } of pieces) controller.start();
    },
    stop: async ({ graceMs }) => {
      await Promise.all(pieces.map(({ controller }) => controller.stop({ graceMs })));
      await Promise.all(informers.map((informer) => informer.stop()));
    },
  };
  manager.addReadyzCheck('informers-synced', () => !leading || informers.every((informer) => informer.hasSynced()));

  let elector: LeaderElector | undefined;
  if (options.leaderElect) {
    let running: Promise<void> | undefined;
    elector = new LeaderElector({
      kubeConfig: options.kubeConfig,
      namespace: options.operatorNamespace,
      name: options.leaseName ?? 'glkeys-operator',
      identity,
      ...(options.lease?.durationMs === undefined ? {} : { leaseDurationMs: options.lease.durationMs }),
      ...(options.lease?.renewDeadlineMs === undefined ? {} : { renewDeadlineMs: options.lease.renewDeadlineMs }),
      ...(options.lease?.retryPeriodMs === undefined ? {} : { retryPeriodMs: options.lease.retryPeriodMs }),
      log: sink,
      onStartedLeading: () => {
        leading = true;
        logger.info('started leading', { identity });
        running = work.start() as Promise<void>;
        running.catch((error: unknown) => logger.error('start after election failed', error));
      },
      onStoppedLeading: async () => {
        leading = false;
        logger.info('stopped leading', { identity });
        await running?.catch(() => undefined);
        await work.stop({ graceMs: 10_000 });
      },
    });
    const theElector = elector;
    manager.add({
      start: () => {
        theElector.run().catch((error: unknown) => logger.error('leader election failed', error));
      },
      stop: () => theElector.stop({ release: true }),
    });
  } else {
    manager.add(work);
  }

  return {
    manager,
    metrics,
    start: () => manager.start(),
    stop: () => manager.stop(),
    isLeader: () => leading,
  };
}

function glkeysMetrics(metrics: Metrics): CredentialMetrics {
  const created = metrics.counter({
    name: 'glkeys_credentials_created_total',
    help: 'Credentials minted, by kind and why',
    labelNames: ['kind', 'action'] as const,
  });
  const revoked = metrics.counter({
    name: 'glkeys_credentials_revoked_total',
    help: 'Credentials revoked, by kind',
    labelNames: ['kind'] as const,
  });
  const orphans = metrics.counter({
    name: 'glkeys_orphans_collected_total',
    help: 'Stray credentials (found by owner marker) revoked, by kind',
    labelNames: ['kind'] as const,
  });
  const expiry = metrics.gauge({
    name: 'glkeys_credential_expiry_seconds',
    help: 'Seconds until the current credential expires',
    labelNames: ['kind', 'namespace', 'name'] as const,
  });
  return {
    minted: (kind, action) => created.inc({ kind, action }),
    revoked: (kind, count) => count > 0 && revoked.inc({ kind }, count),
    orphansCollected: (kind, count) => count > 0 && orphans.inc({ kind }, count),
    secondsToExpiry: (kind, namespace, name, seconds) => {
      if (seconds === undefined) expiry.remove({ kind, namespace, name });
      else expiry.set({ kind, namespace, name }, seconds);
    },
  };
}

/** The runtime's LogSink over the JSON logger. */
function logSink(logger: Logger): LogSink {
  return {
    debug: (message, fields) => logger.debug(message, fields),
    info: (message, fields) => logger.info(message, fields),
    warn: (message, fields) => logger.info(message, { ...fields, level: 'warning' }),
    error: (message, fields) => logger.error(message, undefined, fields),
  };
}
