/**
 * Watch streams: newline-delimited JSON `{"type", "object"}` events over a
 * chunked response, as the API server's watch cache serves them. A watch
 * starts from `resourceVersion` (replaying history after it), or with the
 * current objects as ADDED events when none is given; objects that stop or
 * start matching the selectors arrive as DELETED / ADDED; a resourceVersion
 * older than the history answers with an ERROR event carrying a 410 Expired
 * Status (the real server's behaviour: the HTTP status stays 200).
 */
import http from 'node:http';
import { expired } from './status';
import { ObjectStore, StoreEvent } from './store/ObjectStore';
import { StoredObject } from './types';

export interface WatchRequest {
  store: ObjectStore;
  key: string;
  namespace?: string;
  /** Whether an object is selected by the request's label/field selectors. */
  matches: (obj: StoredObject) => boolean;
  /** Converts stored objects for the requested group/version (events.k8s.io). */
  convert?: (obj: StoredObject) => object;
  /** Kind and apiVersion for BOOKMARK objects. */
  kind: string;
  apiVersion: string;
  resourceVersion?: string;
  sendInitialEvents?: boolean;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  bookmarkIntervalMs: number;
}

export class WatchHub {
  private readonly open = new Set<() => void>();

  get size(): number {
    return this.open.size;
  }

  serve(req: http.IncomingMessage, res: http.ServerResponse, w: WatchRequest) {
    const { store } = w;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();

    const write = (type: string, object: object | string) => {
      const body = typeof object === 'string' ? object : store.json(object);
      res.write(`{"type":"${type}","object":${body}}\n`);
    };
    const out = (obj: StoredObject) =>
      w.convert ? JSON.stringify(w.convert(obj)) : store.json(obj);
    const bookmark = (annotations?: Record<string, string>) =>
      write(
        'BOOKMARK',
        JSON.stringify({
          kind: w.kind,
          apiVersion: w.apiVersion,
          metadata: {
            resourceVersion: String(store.currentRv()),
            ...(annotations ? { annotations } : {}),
          },
        }),
      );

    const inScope = (e: StoreEvent) =>
      w.namespace === undefined || e.namespace === w.namespace;
    const deliver = (e: StoreEvent) => {
      if (!inScope(e)) return;
      const now = w.matches(e.object);
      const before = e.previous ? w.matches(e.previous) : false;
      if (e.type === 'ADDED') {
        if (now) write('ADDED', out(e.object));
      } else if (e.type === 'DELETED') {
        if (before) write('DELETED', out(e.object));
      } else if (now && before) write('MODIFIED', out(e.object));
      else if (now) write('ADDED', out(e.object));
      else if (before) write('DELETED', out(e.object));
    };

    let closed = false;
    const timers: NodeJS.Timeout[] = [];
    let unsubscribe = () => {};
    const close = () => {
      if (closed) return;
      closed = true;
      unsubscribe();
      timers.forEach(clearTimeout);
      this.open.delete(close);
      res.end();
    };
    this.open.add(close);
    req.on('close', close);
    res.on('close', close);

    const rv = w.resourceVersion;
    const fromNow =
      rv === undefined || rv === '' || rv === '0' || w.sendInitialEvents;
    if (fromNow) {
      for (const obj of store.list(w.key, w.namespace))
        if (w.matches(obj)) write('ADDED', out(obj));
      if (w.sendInitialEvents && w.allowBookmarks)
        bookmark({ 'k8s.io/initial-events-end': 'true' });
    } else {
      const since = Number(rv);
      const events = Number.isFinite(since)
        ? store.eventsSince(w.key, since)
        : undefined;
      if (!events) {
        const err = Number.isFinite(since)
          ? expired(`too old resource version: ${rv} (${store.oldestRv()})`)
          : expired(`invalid resource version: ${rv}`);
        write('ERROR', JSON.stringify(err.toStatus()));
        close();
        return;
      }
      events.forEach(deliver);
    }
    // Delivery is synchronous, so nothing can happen between the replay and this.
    unsubscribe = store.subscribe(w.key, deliver);

    if (w.allowBookmarks) {
      const tick = () => {
        if (closed) return;
        bookmark();
        timers.push(setTimeout(tick, w.bookmarkIntervalMs));
      };
      timers.push(setTimeout(tick, w.bookmarkIntervalMs));
    }
    // Without a timeout the real server picks 30-60 minutes.
    const timeout = w.timeoutSeconds ?? 1800 + Math.floor(Math.random() * 1800);
    timers.push(
      setTimeout(() => {
        if (w.allowBookmarks && !closed) bookmark();
        close();
      }, timeout * 1000),
    );
  }

  closeAll() {
    for (const close of [...this.open]) close();
  }
}
