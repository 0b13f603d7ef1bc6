import http from 'node:http';
import {
  ADD,
  CoreV1Api,
  DELETE,
  makeInformer,
  UPDATE,
  V1Pod,
  Watch,
} from '@kubernetes/client-node';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

/** Reads a watch stream for `ms` and returns its events. */
function rawWatch(
  url: string,
  token: string,
  ms: number,
  accept?: string,
): Promise<{ status: number; events: any[] }> {
  return new Promise((resolve, reject) => {
    const events: any[] = [];
    const req = http.get(
      url,
      {
        headers: {
          Authorization: `Bearer ${token}`,
          ...(accept ? { Accept: accept } : {}),
        },
      },
      res => {
        let buffer = '';
        res.on('data', chunk => {
          buffer += chunk;
          let i = buffer.indexOf('\n');
          while (i >= 0) {
            events.push(JSON.parse(buffer.slice(0, i)));
            buffer = buffer.slice(i + 1);
            i = buffer.indexOf('\n');
          }
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, events }));
        setTimeout(() => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, events });
        }, ms);
      },
    );
    req.on('error', e =>
      e.message.includes('socket hang up') ? undefined : reject(e),
    );
  });
}

describe('watch', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ historySize: 40, bookmarkIntervalMs: 100 });
    await createNamespace(h, 'w');
  });
  afterAll(() => h.sim.close());

  it('resumes from a resourceVersion, replaying what happened since', async () => {
    const first = await h.core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'a' } },
    });
    await h.core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'b' }, data: { x: '1' } },
    });
    await h.core.patchNamespacedConfigMap({
      name: 'b',
      namespace: 'w',
      body: [{ op: 'add', path: '/data/y', value: '2' }],
    });
    await h.core.deleteNamespacedConfigMap({ name: 'a', namespace: 'w' });
    const seen: Array<[string, string]> = [];
    const controller = await new Watch(h.kc).watch(
      '/api/v1/namespaces/w/configmaps',
      { resourceVersion: first.metadata!.resourceVersion },
      (type, obj) => seen.push([type, obj.metadata.name]),
      () => {},
    );
    await waitFor(() => seen.length >= 3, 'replayed events');
    controller.abort();
    expect(seen).toEqual([
      ['ADDED', 'b'],
      ['MODIFIED', 'b'],
      ['DELETED', 'a'],
    ]);
  });

  it('starts with ADDED for current objects, filters by label, sends bookmarks and honours timeoutSeconds', async () => {
    await h.core.createNamespacedConfigMap({
      namespace: 'w',
      body: { metadata: { name: 'lab', labels: { pick: 'me' } } },
    });
    const pending = rawWatch(
      `${h.sim.url}/api/v1/watch/namespaces/w/configmaps?labelSelector=pick%3Dme&allowWatchBookmarks=true&timeoutSeconds=1`,
      h.sim.token,
      3000,
    );
    await new Promise(r => setTimeout(r, 100));
    // Dropping the label turns into DELETED for this watch.
    await h.core.patchNamespacedConfigMap({
      name: 'lab',
      namespace: 'w',
      body: [{ op: 'remove', path: '/metadata/labels/pick' }],
    });
    const started = Date.now();
    const { status, events } = await pending;
    expect(Date.now() - started).toBeLessThan(2500);
    expect(status).toBe(200);
    const types = events.map(e => e.type);
    expect(types[0]).toBe('ADDED');
    expect(types).toContain('DELETED');
    expect(types).toContain('BOOKMARK');
    const bookmark = events.find(e => e.type === 'BOOKMARK');
    expect(bookmark.object).toEqual({
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { resourceVersion: expect.any(String) },
    });
  });

  it('sends one-row Tables when kubectl get -w asks for them', async () => {
    const { events } = await rawWatch(
      `${h.sim.url}/api/v1/namespaces/w/configmaps?watch=true&timeoutSeconds=1`,
      h.sim.token,
      3000,
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json',
    );
    expect(events.length).toBeGreaterThan(0);
    expect(events[0].type).toBe('ADDED');
    expect(events[0].object).toMatchObject({
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
    });
    expect(events[0].object.columnDefinitions.map((c: any) => c.name)).toEqual([
      'Name',
      'Data',
      'Age',
    ]);
    expect(events[0].object.rows).toHaveLength(1);
  });

  it('answers a resourceVersion older than the history with a 410 Expired ERROR event', async () => {
    const old = (await h.core.listNamespacedConfigMap({ namespace: 'w' }))
      .metadata!.resourceVersion!;
    for (let i = 0; i < 60; i++) {
      await h.core.createNamespacedConfigMap({
        namespace: 'w',
        body: { metadata: { name: `fill-${i}` } },
      });
    }
    const errors: any[] = [];
    const done = new Promise(resolve => {
      void new Watch(h.kc).watch(
        '/api/v1/namespaces/w/configmaps',
        { resourceVersion: old },
        (type, obj) => errors.push({ type, obj }),
        resolve,
      );
    });
    await done;
    expect(errors).toHaveLength(1);
    expect(errors[0].type).toBe('ERROR');
    expect(errors[0].obj).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(errors[0].obj.message).toMatch(
      new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`),
    );
    // An expired continue token is a plain 410.
    const token = Buffer.from(
      JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(old), start: 'w/a' }),
    ).toString('base64');
    const res = await fetch(
      `${
        h.sim.url
      }/api/v1/namespaces/w/configmaps?limit=1&continue=${encodeURIComponent(
        token,
      )}`,
      {
        headers: { Authorization: `Bearer ${h.sim.token}` },
      },
    );
    expect(res.status).toBe(410);
    expect((await res.json()).reason).toBe('Expired');
  });

  it('drives a client-node informer (list, then watch from the list resourceVersion)', async () => {
    await createNamespace(h, 'inf');
    const core = h.kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1Pod>(
      h.kc,
      '/api/v1/namespaces/inf/pods',
      () => core.listNamespacedPod({ namespace: 'inf' }),
    );
    const seen: string[] = [];
    informer.on(ADD, p => seen.push(`add ${p.metadata?.name}`));
    informer.on(UPDATE, p =>
      seen.push(`update ${p.metadata?.name} ${p.status?.phase}`),
    );
    informer.on(DELETE, p => seen.push(`delete ${p.metadata?.name}`));
    await h.core.createNamespacedPod({
      namespace: 'inf',
      body: {
        metadata: { name: 'before' },
        spec: { containers: [{ name: 'c', image: 'x:1' }] },
      },
    });
    await informer.start();
    await h.core.createNamespacedPod({
      namespace: 'inf',
      body: {
        metadata: { name: 'after' },
        spec: { containers: [{ name: 'c', image: 'x:1' }] },
      },
    });
    await waitFor(
      () => seen.includes('update after Running'),
      'the informer to see the pod run',
    );
    await h.core.deleteNamespacedPod({
      name: 'before',
      namespace: 'inf',
      gracePeriodSeconds: 0,
    });
    await waitFor(
      () => seen.includes('delete before'),
      'the informer to see the deletion',
    );
    await informer.stop();
    expect(seen[0]).toBe('add before');
    expect(seen).toContain('add after');
    expect(informer.list().map(p => p.metadata?.name)).toEqual(['after']);
  });

  it('ends open watches quickly on close()', async () => {
    const other = await startHarness();
    let ended = false;
    await new Watch(other.kc).watch(
      '/api/v1/pods',
      {},
      () => {},
      () => {
        ended = true;
      },
    );
    const started = Date.now();
    await other.sim.close();
    await waitFor(() => ended, 'the watch to end', 2000);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
