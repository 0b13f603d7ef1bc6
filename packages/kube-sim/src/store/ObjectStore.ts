/**
 * The etcd stand-in: every object of every resource, indexed by resource and
 * namespace (a Map per resource per namespace, so a namespaced list never
 * touches other namespaces), one global monotonically increasing
 * resourceVersion, and a bounded history of changes that watches replay from.
 *
 * Stored objects are deep-frozen: readers may hold on to them and controllers
 * must build new objects to change anything. That also lets the store cache
 * each object's JSON, which is what makes large lists cheap to serve.
 */
import { StoredObject } from '../types';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rv: number;
  key: string;
  namespace: string;
  object: StoredObject;
  /** The object before this change (MODIFIED and DELETED). */
  previous?: StoredObject;
}

export type StoreListener = (event: StoreEvent) => void;

export interface StoreSnapshot {
  resourceVersion: number;
  objects: Record<string, StoredObject[]>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const SEP = '\u0000';

/**
 * The API server's field order: kind, apiVersion, metadata, the rest,
 * status last. Keeping kind and apiVersion first also lets lists drop them
 * from items cheaply (see itemJson).
 */
function ordered(
  object: StoredObject,
  metadata: StoredObject['metadata'],
): StoredObject {
  const { kind, apiVersion, metadata: _m, status, ...rest } = object;
  const out: Record<string, unknown> = { kind, apiVersion, metadata, ...rest };
  if (status !== undefined) out.status = status;
  return out as StoredObject;
}

export class ObjectStore {
  private rv = 1;
  private readonly data = new Map<
    string,
    Map<string, Map<string, StoredObject>>
  >();
  private readonly sortedCache = new Map<string, string[]>();
  private readonly jsonCache = new WeakMap<object, string>();
  private readonly itemCache = new WeakMap<object, string>();
  private history: StoreEvent[] = [];
  /** Highest resourceVersion whose event was dropped from history. */
  private compactedRv = 0;
  private readonly listeners = new Map<string, Set<StoreListener>>();
  private readonly anyListeners = new Set<StoreListener>();
  private readonly owners = new Map<string, Set<string>>();

  constructor(private readonly historySize = 10_000) {}

  currentRv(): number {
    return this.rv;
  }

  /** The oldest resourceVersion a watch can still start from. */
  oldestRv(): number {
    return this.compactedRv;
  }

  get(key: string, namespace: string, name: string): StoredObject | undefined {
    return this.data.get(key)?.get(namespace)?.get(name);
  }

  /** Objects sorted by namespace then name, as etcd returns them. */
  list(key: string, namespace?: string): StoredObject[] {
    const byNs = this.data.get(key);
    if (!byNs) return [];
    const namespaces =
      namespace !== undefined ? [namespace] : [...byNs.keys()].sort();
    const out: StoredObject[] = [];
    for (const ns of namespaces) {
      const objects = byNs.get(ns);
      if (!objects) continue;
      for (const name of this.sortedNames(key, ns, objects))
        out.push(objects.get(name)!);
    }
    return out;
  }

  /** Iterates without sorting, for controllers. */
  *iterate(key: string, namespace?: string): Iterable<StoredObject> {
    const byNs = this.data.get(key);
    if (!byNs) return;
    if (namespace !== undefined) {
      yield* byNs.get(namespace)?.values() ?? [];
      return;
    }
    for (const objects of byNs.values()) yield* objects.values();
  }

  count(key: string, namespace?: string): number {
    const byNs = this.data.get(key);
    if (!byNs) return 0;
    if (namespace !== undefined) return byNs.get(namespace)?.size ?? 0;
    let n = 0;
    for (const objects of byNs.values()) n += objects.size;
    return n;
  }

  /** The storage keys holding objects (or that did), e.g. `batch/jobs`. */
  keys(): string[] {
    return [...this.data.keys()];
  }

  namespaces(key: string): string[] {
    return [...(this.data.get(key)?.keys() ?? [])];
  }

  /** Objects whose ownerReferences name `uid`, as `[key, namespace, name]`. */
  dependents(uid: string): Array<[string, string, string]> {
    return [...(this.owners.get(uid) ?? [])].map(
      s => s.split(SEP) as [string, string, string],
    );
  }

  private sortedNames(
    key: string,
    ns: string,
    objects: Map<string, StoredObject>,
  ): string[] {
    const cacheKey = key + SEP + ns;
    let names = this.sortedCache.get(cacheKey);
    if (!names) {
      names = [...objects.keys()].sort();
      this.sortedCache.set(cacheKey, names);
    }
    return names;
  }

  /** Stores `object` (new or replacing), assigning the next resourceVersion. */
  put(key: string, object: StoredObject): StoredObject {
    const ns = object.metadata.namespace ?? '';
    const name = object.metadata.name;
    let byNs = this.data.get(key);
    if (!byNs) {
      byNs = new Map();
      this.data.set(key, byNs);
    }
    let objects = byNs.get(ns);
    if (!objects) {
      objects = new Map();
      byNs.set(ns, objects);
    }
    const previous = objects.get(name);
    const rv = ++this.rv;
    const stored = deepFreeze(
      ordered(object, { ...object.metadata, resourceVersion: String(rv) }),
    );
    objects.set(name, stored);
    if (!previous) this.sortedCache.delete(key + SEP + ns);
    this.indexOwners(key, previous, stored);
    this.emit({
      type: previous ? 'MODIFIED' : 'ADDED',
      rv,
      key,
      namespace: ns,
      object: stored,
      previous,
    });
    return stored;
  }

  remove(
    key: string,
    namespace: string,
    name: string,
  ): StoredObject | undefined {
    const objects = this.data.get(key)?.get(namespace);
    const previous = objects?.get(name);
    if (!objects || !previous) return undefined;
    objects.delete(name);
    this.sortedCache.delete(key + SEP + namespace);
    if (objects.size === 0) this.data.get(key)!.delete(namespace);
    this.indexOwners(key, previous, undefined);
    const rv = ++this.rv;
    // A deletion is reported with the object at the deletion's resourceVersion.
    const object = deepFreeze(
      ordered(previous, { ...previous.metadata, resourceVersion: String(rv) }),
    );
    this.emit({ type: 'DELETED', rv, key, namespace, object, previous });
    return object;
  }

  private indexOwners(
    key: string,
    before?: StoredObject,
    after?: StoredObject,
  ) {
    const ref = (o: StoredObject) =>
      key + SEP + (o.metadata.namespace ?? '') + SEP + o.metadata.name;
    for (const owner of before?.metadata.ownerReferences ?? []) {
      const set = this.owners.get(owner.uid);
      set?.delete(ref(before!));
      if (set?.size === 0) this.owners.delete(owner.uid);
    }
    for (const owner of after?.metadata.ownerReferences ?? []) {
      let set = this.owners.get(owner.uid);
      if (!set) {
        set = new Set();
        this.owners.set(owner.uid, set);
      }
      set.add(ref(after!));
    }
  }

  private emit(event: StoreEvent) {
    this.history.push(event);
    if (this.history.length > this.historySize * 1.25) {
      const drop = this.history.length - this.historySize;
      this.compactedRv = this.history[drop - 1].rv;
      this.history = this.history.slice(drop);
    }
    for (const l of this.listeners.get(event.key) ?? []) l(event);
    for (const l of this.anyListeners) l(event);
  }

  /**
   * Events of `key` after `rv`, or undefined when history no longer reaches
   * back that far (the watch must fail with 410 Expired).
   */
  eventsSince(key: string, rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.history[mid].rv <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo).filter(e => e.key === key);
  }

  subscribe(key: string | undefined, listener: StoreListener): () => void {
    if (key === undefined) {
      this.anyListeners.add(listener);
      return () => this.anyListeners.delete(listener);
    }
    let set = this.listeners.get(key);
    if (!set) {
      set = new Set();
      this.listeners.set(key, set);
    }
    set.add(listener);
    return () => set!.delete(listener);
  }

  /** The object's JSON, computed once per stored version. */
  json(object: object): string {
    let text = this.jsonCache.get(object);
    if (text === undefined) {
      text = JSON.stringify(object);
      if (Object.isFrozen(object)) this.jsonCache.set(object, text);
    }
    return text;
  }

  /**
   * The object's JSON as a list item: lists of built-in kinds carry kind and
   * apiVersion once, on the list, not on each item.
   */
  itemJson(object: StoredObject): string {
    let text = this.itemCache.get(object);
    if (text === undefined) {
      const json = this.json(object);
      const prefix = `{"kind":${JSON.stringify(
        object.kind,
      )},"apiVersion":${JSON.stringify(object.apiVersion)},`;
      text = json.startsWith(prefix) ? `{${json.slice(prefix.length)}` : json;
      if (Object.isFrozen(object)) this.itemCache.set(object, text);
    }
    return text;
  }

  snapshot(): StoreSnapshot {
    const objects: Record<string, StoredObject[]> = {};
    for (const key of this.data.keys()) objects[key] = this.list(key);
    return { resourceVersion: this.rv, objects };
  }

  /** Loads a snapshot without emitting events; history starts empty after it. */
  restore(snapshot: StoreSnapshot) {
    this.data.clear();
    this.sortedCache.clear();
    this.owners.clear();
    for (const [key, objects] of Object.entries(snapshot.objects)) {
      for (const object of objects) {
        const ns = object.metadata.namespace ?? '';
        if (!this.data.has(key)) this.data.set(key, new Map());
        const byNs = this.data.get(key)!;
        if (!byNs.has(ns)) byNs.set(ns, new Map());
        byNs
          .get(ns)!
          .set(
            object.metadata.name,
            deepFreeze(ordered(object, object.metadata)),
          );
        this.indexOwners(key, undefined, object);
      }
    }
    this.rv = Math.max(this.rv, snapshot.resourceVersion);
    this.history = [];
    this.compactedRv = this.rv;
  }
}
