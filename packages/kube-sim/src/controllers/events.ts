/**
 * Event recording as client-go's recorder does it: one core/v1 Event per
 * (object, reason, message), with `count` and `lastTimestamp` bumped on
 * repeats instead of piling up new objects.
 */
import { keyOf, R } from '../api/resources';
import { clone } from '../patch';
import { ObjectStore } from '../store/ObjectStore';
import { StoredObject } from '../types';
import { timestamp, uid } from '../util';

export class EventRecorder {
  private readonly seen = new Map<
    string,
    { namespace: string; name: string }
  >();
  /** Events per (object, reason), for client-go's "similar events" aggregation. */
  private readonly similar = new Map<string, number>();
  private counter = 0;

  constructor(private readonly store: ObjectStore) {}

  record(
    involved: StoredObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    host?: string,
  ): void {
    const namespace = involved.metadata.namespace || 'default';
    const dedupe = `${involved.metadata.uid}|${reason}|${message}|${component}`;
    const now = timestamp();
    const key = keyOf(R.events);
    const similarKey = `${involved.metadata.uid}|${reason}|${component}`;
    const similarCount = (this.similar.get(similarKey) ?? 0) + 1;
    this.similar.set(similarKey, similarCount);
    // After 10 similar events the correlator folds further ones into one.
    const aggregated = similarCount > 10;
    const dedupeKey = aggregated ? `${similarKey}|combined` : dedupe;
    const text = aggregated
      ? `(combined from similar events): ${message}`
      : message;
    const previous = this.seen.get(dedupeKey);
    const existing =
      previous && this.store.get(key, previous.namespace, previous.name);
    if (existing) {
      this.store.put(key, {
        ...clone(existing),
        message,
        count: (existing.count ?? 1) + 1,
        lastTimestamp: now,
      });
      return;
    }
    if (!this.store.get(keyOf(R.namespaces), '', namespace)) return;
    const name = `${involved.metadata.name}.${(
      Date.now() * 1000 +
      (++this.counter % 1000)
    )
      .toString(16)
      .padStart(16, '0')}`;
    this.store.put(key, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name,
        namespace,
        uid: uid(),
        resourceVersion: '',
        creationTimestamp: now,
      },
      involvedObject: {
        kind: involved.kind,
        namespace: involved.metadata.namespace,
        name: involved.metadata.name,
        uid: involved.metadata.uid,
        apiVersion: involved.apiVersion,
        resourceVersion: involved.metadata.resourceVersion,
      },
      reason,
      message: text,
      source: { component, ...(host ? { host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: host ?? '',
    });
    this.seen.set(dedupeKey, { namespace, name });
    if (this.seen.size > 50_000) {
      this.seen.clear();
      this.similar.clear();
    }
  }
}

/** core/v1 Event → events.k8s.io/v1 Event, for the newer API's list and watch. */
export function toEventsV1(e: StoredObject): object {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: e.metadata,
    eventTime: e.eventTime ?? null,
    reportingController: e.reportingComponent || e.source?.component || '',
    reportingInstance: e.reportingInstance ?? '',
    action: e.action ?? e.reason ?? '',
    reason: e.reason,
    regarding: e.involvedObject,
    note: e.message,
    type: e.type,
    deprecatedSource: e.source,
    deprecatedFirstTimestamp: e.firstTimestamp,
    deprecatedLastTimestamp: e.lastTimestamp,
    deprecatedCount: e.count,
  };
}
