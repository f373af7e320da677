/**
 * Kubernetes Events for what the operator did to an object (created, rotated, repaired, revoked)
 * and what failed. Like client-go's recorder, a repeat of the same reason and message on the same
 * object within the aggregation window bumps `count` and `lastTimestamp` on the existing Event
 * instead of creating another, so a failure retried with backoff does not flood the namespace.
 * Recording never fails a reconcile: an Event that cannot be written is dropped (and counted).
 */
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type CoreV1Event, type KubeConfig } from '@kubernetes/client-node';
import { kubeCall } from '@glkeys/core/kubernetes';
import { looksSecret } from './secret-guard.js';

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  resourceVersion?: string | undefined;
}

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  /** `reportingController` / `source.component`. */
  component: string;
  /** `reportingInstance` (the pod name). */
  instance: string;
  /** Repeats within this window aggregate. Default 10 min, as client-go. */
  aggregateWindowMs?: number;
  now?: () => Date;
  onDropped?: (reason: string) => void;
}

interface Seen {
  name: string;
  count: number;
  firstTimestamp: string;
  lastMs: number;
}

export class EventRecorder {
  private readonly core: CoreV1Api;
  private readonly seen = new Map<string, Seen>();

  constructor(
    kubeConfig: KubeConfig,
    private readonly options: EventRecorderOptions,
  ) {
    this.core = kubeConfig.makeApiClient(CoreV1Api);
  }

  /** Records an Event; resolves even when the apiserver refuses it. */
  async record(object: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    if (looksSecret(message)) {
      // A backstop: messages come from typed errors that never hold secrets.
      this.options.onDropped?.('secret-like message');
      return;
    }
    const now = this.now();
    const key = `${object.uid}/${type}/${reason}/${message}`;
    const previous = this.seen.get(key);
    try {
      if (previous && now.getTime() - previous.lastMs < (this.options.aggregateWindowMs ?? 600_000)) {
        await this.bump(object.namespace, previous, now);
        return;
      }
      const name = `${object.name}.${randomBytes(8).toString('hex')}`;
      await kubeCall({ verb: 'create', resource: 'Event', namespace: object.namespace, name }, () =>
        this.core.createNamespacedEvent({ namespace: object.namespace, body: this.event(object, type, reason, message, name, now) }),
      );
      this.seen.set(key, { name, count: 1, firstTimestamp: now.toISOString(), lastMs: now.getTime() });
      this.prune(now.getTime());
    } catch {
      this.options.onDropped?.('apiserver refused');
    }
  }

  private async bump(namespace: string, seen: Seen, now: Date): Promise<void> {
    seen.count += 1;
    seen.lastMs = now.getTime();
    await kubeCall({ verb: 'patch', resource: 'Event', namespace, name: seen.name }, () =>
      this.core.patchNamespacedEvent({
        name: seen.name,
        namespace,
        body: [
          { op: 'replace', path: '/count', value: seen.count },
          { op: 'replace', path: '/lastTimestamp', value: now.toISOString() },
        ],
      }),
    );
  }

  private event(object: InvolvedObject, type: EventType, reason: string, message: string, name: string, now: Date): CoreV1Event {
    return {
      metadata: { name, namespace: object.namespace },
      involvedObject: {
        apiVersion: object.apiVersion,
        kind: object.kind,
        namespace: object.namespace,
        name: object.name,
        uid: object.uid,
        ...(object.resourceVersion ? { resourceVersion: object.resourceVersion } : {}),
      },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: this.options.component },
      reportingComponent: this.options.component,
      reportingInstance: this.options.instance,
      action: reason,
    };
  }

  private prune(nowMs: number): void {
    const window = this.options.aggregateWindowMs ?? 600_000;
    if (this.seen.size < 4096) return;
    for (const [key, seen] of this.seen) if (nowMs - seen.lastMs >= window) this.seen.delete(key);
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }
}
