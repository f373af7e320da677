/**
 * The informer's cache and the one place that turns "what the apiserver says now" into
 * add/update/delete events, so the event stream stays a valid mirror protocol: per key,
 * add (update)* delete, then maybe add again; never two adds without a delete between.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export type InformerEvent = 'add' | 'update' | 'delete';

export interface Emitter<T> {
  add(obj: T): void;
  /** `old === obj` (same resourceVersion) marks a resync: nothing changed, look again. */
  update(obj: T, old: T): void;
  /** The last state this cache saw (it may have changed again before the deletion). */
  delete(obj: T): void;
}

export function keyOf(obj: KubernetesObject): string {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name ?? '';
  return ns ? `${ns}/${name}` : name;
}

function sameVersion(a: KubernetesObject, b: KubernetesObject): boolean {
  const rv = a.metadata?.resourceVersion;
  return rv !== undefined && rv === b.metadata?.resourceVersion;
}

export class ObjectStore<T extends KubernetesObject> {
  private readonly objects = new Map<string, T>();

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata?.namespace ?? '') === namespace);
  }

  get size(): number {
    return this.objects.size;
  }

  /** A watch ADDED/MODIFIED: add if new, update if its resourceVersion moved. */
  upsert(obj: T, emit: Emitter<T>): void {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    if (!old) emit.add(obj);
    else if (!sameVersion(old, obj)) emit.update(obj, old);
  }

  /** A watch DELETED. */
  remove(obj: T, emit: Emitter<T>): void {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    emit.delete(obj);
  }

  /**
   * Replaces the cache by a full list and emits the difference: objects created, changed or
   * deleted while no watch was running come out as add, update and delete (what client-node
   * 1.4 loses after a restart, #795). With `announceUnchanged` every unchanged object also
   * comes out as an update with old === new: a resync, so a level-based consumer looks again.
   */
  replace(items: T[], emit: Emitter<T>, announceUnchanged: boolean): void {
    const fresh = new Map<string, T>();
    for (const item of items) fresh.set(keyOf(item), item);
    for (const [key, old] of [...this.objects]) {
      if (fresh.has(key)) continue;
      this.objects.delete(key);
      emit.delete(old);
    }
    for (const [key, obj] of fresh) {
      const old = this.objects.get(key);
      this.objects.set(key, obj);
      if (!old) emit.add(obj);
      else if (!sameVersion(old, obj)) emit.update(obj, old);
      else if (announceUnchanged) emit.update(obj, obj);
    }
  }
}
