// A consumer of informer events that checks the mirror protocol on every event: per key
// add, update*, delete; never an add for a key it holds, never an update or delete for one it lacks.
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Informer } from '../../src/runtime/informer.js';

export interface Recorded {
  event: 'add' | 'update' | 'delete';
  name: string;
  resync: boolean;
}

export class EventRecorder {
  readonly events: Recorded[] = [];
  readonly violations: string[] = [];
  readonly mirror = new Map<string, string | undefined>();

  constructor(informer: Informer<KubernetesObject>) {
    informer.on('add', (obj) => this.record('add', obj));
    informer.on('update', (obj, old) => this.record('update', obj, old));
    informer.on('delete', (obj) => this.record('delete', obj));
  }

  private record(event: Recorded['event'], obj: KubernetesObject, old?: KubernetesObject): void {
    const name = obj.metadata?.name ?? '';
    const held = this.mirror.has(name);
    if (event === 'add' && held) this.violations.push(`add of ${name}, already held`);
    if (event !== 'add' && !held) this.violations.push(`${event} of ${name}, not held`);
    if (event === 'delete') this.mirror.delete(name);
    else this.mirror.set(name, obj.metadata?.resourceVersion);
    this.events.push({ event, name, resync: event === 'update' && old?.metadata?.resourceVersion === obj.metadata?.resourceVersion });
  }

  /** Events since `from`, as 'add a' strings, sorted (relists emit in map order). */
  since(from: number): string[] {
    return this.events
      .slice(from)
      .map((e) => `${e.event}${e.resync ? '(resync)' : ''} ${e.name}`)
      .sort();
  }
}
