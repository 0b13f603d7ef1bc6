import { PassThrough } from 'node:stream';
import { Log } from '@kubernetes/client-node';
import {
  createNamespace,
  failure,
  Harness,
  startHarness,
  waitFor,
} from './testing/harness';

describe('pod logs', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ timeScale: 10 });
    await createNamespace(h, 'logs');
  });
  afterAll(() => h.sim.close());

  const pod = (name: string, seconds?: number) => ({
    metadata: {
      name,
      annotations: (seconds
        ? { 'kube-sim.genai.io/run-seconds': String(seconds) }
        : {}) as Record<string, string>,
    },
    spec: {
      restartPolicy: 'Never',
      containers: [{ name: 'main', image: 'genai/train:1.0' }],
    },
  });

  it('returns deterministic lines and honours tailLines', async () => {
    await h.core.createNamespacedPod({
      namespace: 'logs',
      body: pod('done', 5),
    });
    await waitFor(
      async () =>
        (
          await h.core.readNamespacedPod({ name: 'done', namespace: 'logs' })
        ).status?.phase === 'Succeeded',
      'the pod to finish',
    );
    const all = await h.core.readNamespacedPodLog({
      name: 'done',
      namespace: 'logs',
    });
    const lines = all.trimEnd().split('\n');
    expect(lines).toHaveLength(1 + 5 * 2 + 1);
    expect(lines[0]).toMatch(/^kube-sim: starting container main/);
    expect(lines[1]).toMatch(/^step 1: loss=/);
    expect(lines[lines.length - 1]).toBe(
      'kube-sim: work complete, exiting with code 0',
    );
    expect(
      await h.core.readNamespacedPodLog({ name: 'done', namespace: 'logs' }),
    ).toBe(all);
    const tail = await h.core.readNamespacedPodLog({
      name: 'done',
      namespace: 'logs',
      tailLines: 3,
    });
    expect(tail.trimEnd().split('\n')).toEqual(lines.slice(-3));
    const stamped = await h.core.readNamespacedPodLog({
      name: 'done',
      namespace: 'logs',
      tailLines: 1,
      timestamps: true,
    });
    expect(stamped).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z kube-sim: work complete/,
    );
  });

  it('streams with follow=true until the container ends', async () => {
    await h.core.createNamespacedPod({
      namespace: 'logs',
      body: pod('follow', 8),
    });
    await waitFor(
      async () =>
        (
          await h.core.readNamespacedPod({ name: 'follow', namespace: 'logs' })
        ).status?.phase === 'Running',
      'running',
    );
    const stream = new PassThrough();
    let text = '';
    stream.on('data', chunk => {
      text += chunk;
    });
    const ended = new Promise(resolve => stream.on('end', resolve));
    const started = Date.now();
    await new Log(h.kc).log('logs', 'follow', 'main', stream, {
      follow: true,
      tailLines: 1,
    });
    await ended;
    expect(Date.now() - started).toBeGreaterThan(300);
    const lines = text.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines[lines.length - 1]).toBe(
      'kube-sim: work complete, exiting with code 0',
    );
  });

  it('refuses logs of a container that has not started, and of an unknown container', async () => {
    await h.core.createNamespacedPod({
      namespace: 'logs',
      body: {
        metadata: { name: 'pull' },
        spec: { containers: [{ name: 'main', image: 'x/does-not-exist:1' }] },
      },
    });
    await waitFor(
      async () =>
        (
          await h.core.readNamespacedPod({ name: 'pull', namespace: 'logs' })
        ).status?.containerStatuses?.[0].state?.waiting?.reason ===
        'ImagePullBackOff',
      'pull failure',
    );
    const waiting = await failure(
      h.core.readNamespacedPodLog({ name: 'pull', namespace: 'logs' }),
    );
    expect(waiting.code).toBe(400);
    const wrong = await failure(
      h.core.readNamespacedPodLog({
        name: 'done',
        namespace: 'logs',
        container: 'nope',
      }),
    );
    expect(wrong.code).toBe(400);
    const missing = await failure(
      h.core.readNamespacedPodLog({ name: 'ghost', namespace: 'logs' }),
    );
    expect(missing.code).toBe(404);
  });
});
