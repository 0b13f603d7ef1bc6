import { mockServices } from '@backstage/backend-test-utils';
import { databases } from '../../__testUtils__/database';
import type { GpuPodInfo } from '../types';
import type { DatabaseIdleEpisodeStore } from './DatabaseIdleEpisodeStore';
import { FakeCluster, gpuPod, MIN, storeOn } from './__testUtils__/fakes';
import {
  NotificationIdleNotifier,
  type IdleNotice,
  type IdleRuleOptions,
} from './IdleNotifier';
import {
  idleActivityQuery,
  IdleScanner,
  type IdleMetricOptions,
} from './IdleScanner';
import type { RequestActivity } from './RequestActivity';

jest.setTimeout(120_000);

const T0 = Date.parse('2026-12-30T10:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * MIN);
const iso = (minutes: number) => at(minutes).toISOString();

const RULE: IdleRuleOptions = {
  thresholdPercent: 5,
  windowMs: 30 * MIN,
  inferenceNeedsNoRequests: true,
  notify: true,
};

const IDLE = () => 1;
const BUSY = () => 90;

const model = gpuPod('llama-8b-7d9f-abcde', {
  kind: 'inference',
  model: 'llama-8b',
  startedAt: iso(0),
  gpus: 2,
});
const job = gpuPod('train-42-0', {
  kind: 'job',
  jobId: '42',
  startedAt: iso(0),
});

/** Requests seen by the fake: pods that served, or an outage. */
class FakeRequests implements RequestActivity {
  served = new Set<string>();
  fail = false;
  readonly calls: Array<[string, number, number | undefined]> = [];
  async servedSince(pod: GpuPodInfo, sinceMs: number, untilMs?: number) {
    this.calls.push([pod.pod, sinceMs, untilMs]);
    if (this.fail) throw new Error('vLLM metrics unavailable');
    return this.served.has(pod.pod);
  }
}

async function setup(
  options: {
    rule?: Partial<IdleRuleOptions>;
    store?: DatabaseIdleEpisodeStore;
    cluster?: FakeCluster;
  } = {},
) {
  const knex = options.store ? undefined : await databases.init('SQLITE_3');
  const store = options.store ?? (await storeOn(knex!));
  const cluster = options.cluster ?? new FakeCluster();
  const requests = new FakeRequests();
  const notices: IdleNotice[] = [];
  const notifier = {
    fail: false,
    notify: jest.fn(async (notice: IdleNotice) => {
      if (notifier.fail) throw new Error('notifications backend is down');
      notices.push(notice);
      return ['user:default/marco.rossi'];
    }),
  };
  const logger = mockServices.logger.mock();
  const scanner = new IdleScanner({
    reader: cluster.reader,
    prometheus: cluster,
    store,
    rule: { ...RULE, ...options.rule },
    gpuHourMicros: pool => (pool === 'mi355x' ? 4_100_000 : 2_900_000),
    requests,
    notifier,
    logger,
  });
  return { knex, store, cluster, requests, notifier, notices, logger, scanner };
}

describe('IdleScanner', () => {
  it('asks for partition 0 activity of held GPUs, with the metric options', () => {
    expect(idleActivityQuery()).toBe(
      'max by (hostname, gpu_id, pod, namespace) (max_over_time(gpu_gfx_activity{pod!="", gpu_partition_id=~"0|"}[15s]))',
    );
    expect(
      idleActivityQuery({
        metricPrefix: 'amd_',
        podLabel: 'exported_pod',
        namespaceLabel: 'exported_namespace',
      }),
    ).toBe(
      'max by (hostname, gpu_id, exported_pod, exported_namespace) (max_over_time(amd_gpu_gfx_activity{exported_pod!="", gpu_partition_id=~"0|"}[15s]))',
    );
  });

  it('does not flag a busy job', async () => {
    const { cluster, scanner, store, notifier } = await setup();
    cluster.hold(job, BUSY, [0, 1, 2, 3]);
    for (const minutes of [10, 31, 45, 90]) {
      expect(await scanner.run(at(minutes))).toEqual({
        prometheus: 'available',
        idleGpus: 0,
        opened: 0,
        ended: 0,
        notifiedPods: 0,
      });
    }
    expect(await store.listOpen()).toEqual([]);
    expect(notifier.notify).not.toHaveBeenCalled();
  });

  it('flags an idle model server after the window, not before', async () => {
    const { cluster, scanner, store, requests, notices } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    expect((await scanner.run(at(29.9))).opened).toBe(0);
    expect(await store.listOpen()).toEqual([]);
    expect(requests.calls).toEqual([]);

    expect(await scanner.run(at(30))).toEqual({
      prometheus: 'available',
      idleGpus: 2,
      opened: 2,
      ended: 0,
      notifiedPods: 1,
    });
    // Once per pod, about the window before the scan.
    expect(requests.calls).toEqual([
      [model.pod, at(0).getTime(), at(30).getTime()],
    ]);
    const open = await store.listOpen({ at: iso(30) });
    expect(open).toEqual([
      {
        id: expect.any(String),
        node: 'node-a',
        gpuId: 0,
        pool: 'mi355x',
        namespace: 'ml-research-lab',
        pod: model.pod,
        kind: 'inference',
        team: 'group:default/ml-research',
        environment: 'ml-research-lab',
        owner: 'user:default/marco.rossi',
        model: 'llama-8b',
        // The first sample since the pod started.
        since: iso(0),
        lastSeen: iso(30),
        costMicros: 2_050_000,
        notifiedAt: iso(30),
      },
      expect.objectContaining({ gpuId: 1, since: iso(0) }),
    ]);
    expect(notices).toHaveLength(1);
    expect(notices[0].episodes.map(e => e.gpuId)).toEqual([0, 1]);
    expect(notices[0].gpuModel).toBe('AMD Instinct MI355X');
  });

  it('does not flag a model server that served requests in the window', async () => {
    const { cluster, scanner, store, requests } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    requests.served.add(model.pod);
    expect((await scanner.run(at(45))).opened).toBe(0);
    expect(await store.listOpen()).toEqual([]);
    // Without the requests condition, activity alone decides.
    const loose = await setup({ rule: { inferenceNeedsNoRequests: false } });
    loose.cluster.hold(model, IDLE, [0, 1]);
    loose.requests.served.add(model.pod);
    expect((await loose.scanner.run(at(45))).opened).toBe(2);
    expect(loose.requests.calls).toEqual([]);
  });

  it('flags an idle job and other pods without asking about requests', async () => {
    const { cluster, scanner, requests, notices } = await setup();
    cluster.hold(job, IDLE, [0]);
    cluster.hold(
      gpuPod('notebook-0', { kind: 'other', startedAt: iso(0) }),
      IDLE,
      [1],
    );
    expect((await scanner.run(at(40))).opened).toBe(2);
    expect(requests.calls).toEqual([]);
    expect(notices.map(n => n.episodes[0].pod).sort()).toEqual([
      'notebook-0',
      'train-42-0',
    ]);
  });

  it('ends an episode when the GPU is busy again or its pod lets it go', async () => {
    const { cluster, scanner, store } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    cluster.hold(job, IDLE, [2]);
    expect((await scanner.run(at(31))).opened).toBe(3);
    // A request wakes the model server up at 40 min.
    cluster.setActivity(model.pod, t => (t >= at(40).getTime() ? 70 : 1));
    expect(await scanner.run(at(41))).toMatchObject({ idleGpus: 1, ended: 2 });
    cluster.release(job.pod);
    expect(await scanner.run(at(42))).toMatchObject({ idleGpus: 0, ended: 1 });
    expect(await store.listOpen()).toEqual([]);
    expect(
      (await store.listRecentEnded({ since: iso(0) })).map(e => [
        e.pod,
        e.gpuId,
        e.endedAt,
      ]),
    ).toEqual([
      [job.pod, 2, iso(42)],
      [model.pod, 1, iso(41)],
      [model.pod, 0, iso(41)],
    ]);
    // Nothing more to end.
    expect((await scanner.run(at(43))).ended).toBe(0);
  });

  it('keeps the earliest since while the GPU stays idle', async () => {
    const { cluster, scanner, store } = await setup();
    cluster.hold(job, IDLE, [0]);
    // The first scan's range starts when the pod did (the window and two steps before).
    await scanner.run(at(30.5));
    // Two hours later the query's range starts long after the GPU went idle.
    for (const minutes of [60, 90, 120]) await scanner.run(at(minutes));
    const [episode] = await store.listOpen({ at: iso(120) });
    expect(episode).toMatchObject({ since: iso(0), lastSeen: iso(120) });
    // Two GPU-hours at 4.1.
    expect(episode.costMicros).toBe(8_200_000);
  });

  it('notifies once across three scans', async () => {
    const { cluster, scanner, notifier } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    for (const minutes of [31, 32, 33]) await scanner.run(at(minutes));
    expect(notifier.notify).toHaveBeenCalledTimes(1);
  });

  it('covers GPUs of the pod that go idle after it was told', async () => {
    const { cluster, scanner, notifier, store } = await setup();
    cluster.hold(model, IDLE, [0]);
    cluster.gpus.push({
      pod: model,
      gpuId: 1,
      activity: t => (t < at(10).getTime() ? 90 : 1),
    });
    await scanner.run(at(31));
    expect((await store.listOpen()).map(e => e.gpuId)).toEqual([0]);
    await scanner.run(at(41));
    expect((await store.listOpen()).map(e => e.gpuId)).toEqual([0, 1]);
    expect(notifier.notify).toHaveBeenCalledTimes(1);
    expect((await store.listOpen()).every(e => e.notifiedAt)).toBe(true);
  });

  it('tries again next scan when the notification could not be sent', async () => {
    const { cluster, scanner, notifier, notices, logger } = await setup();
    cluster.hold(job, IDLE, [0]);
    notifier.fail = true;
    expect((await scanner.run(at(31))).notifiedPods).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('trying again next scan'),
    );
    notifier.fail = false;
    expect((await scanner.run(at(32))).notifiedPods).toBe(1);
    expect((await scanner.run(at(33))).notifiedPods).toBe(0);
    expect(notices).toHaveLength(1);
  });

  it('tells nobody when the rule says not to', async () => {
    const { cluster, scanner, notifier, store } = await setup({
      rule: { notify: false },
    });
    cluster.hold(job, IDLE, [0]);
    expect(await scanner.run(at(31))).toMatchObject({
      opened: 1,
      notifiedPods: 0,
    });
    expect(notifier.notify).not.toHaveBeenCalled();
    expect((await store.listOpen())[0].notifiedAt).toBeUndefined();
  });

  it('changes nothing while Prometheus is down, and says so once', async () => {
    const { cluster, scanner, store, logger } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    cluster.hold(job, IDLE, [2]);
    await scanner.run(at(31));
    const before = await store.listOpen({ at: iso(31) });
    expect(before).toHaveLength(3);

    cluster.down = true;
    cluster.release(job.pod);
    cluster.hold(
      gpuPod('train-43-0', { jobId: '43', startedAt: iso(0) }),
      IDLE,
      [3],
    );
    for (const minutes of [32, 33, 34]) {
      expect(await scanner.run(at(minutes))).toEqual({
        prometheus: 'unavailable',
        idleGpus: 0,
        opened: 0,
        ended: 0,
        notifiedPods: 0,
      });
    }
    expect(await store.listOpen({ at: iso(31) })).toEqual(before);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('Prometheus is unavailable'),
    );

    cluster.down = false;
    expect(await scanner.run(at(35))).toMatchObject({ opened: 1, ended: 1 });
    expect(logger.info).toHaveBeenCalledWith(
      'Idle GPU scan: Prometheus answers again',
    );
  });

  it('leaves a model server as it is when requests cannot be checked', async () => {
    const { cluster, scanner, store, requests, logger } = await setup();
    cluster.hold(model, IDLE, [0, 1]);
    requests.fail = true;
    expect((await scanner.run(at(31))).opened).toBe(0);
    requests.fail = false;
    expect((await scanner.run(at(32))).opened).toBe(2);
    // Neither extended nor ended while unknown ...
    requests.fail = true;
    expect((await scanner.run(at(33))).ended).toBe(0);
    expect((await store.listOpen()).map(e => e.lastSeen)).toEqual([
      iso(32),
      iso(32),
    ]);
    // ... but busy GPUs are busy whatever the requests.
    cluster.setActivity(model.pod, BUSY);
    expect((await scanner.run(at(34))).ended).toBe(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('could not tell whether'),
    );
  });

  it('joins series on custom pod and namespace labels, and warns when none join', async () => {
    const cluster = new FakeCluster();
    cluster.podLabel = 'exported_pod';
    cluster.namespaceLabel = 'exported_namespace';
    cluster.hold(job, IDLE, [0]);
    const knex = await databases.init('SQLITE_3');
    const store = await storeOn(knex);
    const logger = mockServices.logger.mock();
    const make = (metrics?: IdleMetricOptions) =>
      new IdleScanner({
        reader: cluster.reader,
        prometheus: cluster,
        store,
        rule: RULE,
        gpuHourMicros: () => 1_000_000,
        metrics,
        logger,
      });
    const wrong = make();
    expect((await wrong.run(at(31))).opened).toBe(0);
    await wrong.run(at(32));
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no activity series matched the 1 pods'),
    );
    const right = make({
      podLabel: 'exported_pod',
      namespaceLabel: 'exported_namespace',
      scrapeIntervalSeconds: 30,
    });
    expect((await right.run(at(31))).opened).toBe(1);
    expect(cluster.queries.at(-1)).toContain('exported_pod!=""');
  });

  it('tells the owner and the leads, with the cost so far and a link', async () => {
    const cluster = new FakeCluster();
    cluster.hold(model, IDLE, [0, 1]);
    const store = await storeOn(await databases.init('SQLITE_3'));
    const send = jest.fn(async () => {});
    const scanner = new IdleScanner({
      reader: cluster.reader,
      prometheus: cluster,
      store,
      rule: { ...RULE, windowMs: 45 * MIN },
      gpuHourMicros: () => 4_100_000,
      notifier: new NotificationIdleNotifier({
        notifications: { send },
        teams: {
          contactsOf: async () => [
            'user:default/ada.lovelace',
            'user:default/marco.rossi',
          ],
        },
        currency: 'USD',
        logger: mockServices.logger.mock(),
      }),
      logger: mockServices.logger.mock(),
    });
    await scanner.run(at(45.5));
    expect(send).toHaveBeenCalledTimes(1);
    expect(send).toHaveBeenCalledWith({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/marco.rossi', 'user:default/ada.lovelace'],
      },
      payload: {
        title:
          '2 MI355X GPUs idle for 45 min in ml-research/ml-research-lab (model server llama-8b)',
        description: expect.stringContaining(
          'Cost so far: 6.22 USD (1.5 GPU-hours)',
        ),
        link: '/genai-playground/inference',
        severity: 'normal',
        topic: 'genai-insights-idle-gpus',
        scope: `genai-insights-idle-gpus:ml-research-lab/${model.pod}:${iso(
          0,
        )}`,
      },
    });
    const [{ payload }] = (send.mock.calls[0] as any[]) ?? [];
    expect(payload.description).toContain(
      'under 5% since 2026-12-30 10:00 UTC',
    );
    expect(payload.description).toContain('served no request');
    expect(payload.description).toContain('under 5% for 45 min');
  });
});

describe.each(databases.eachSupportedId())(
  'two IdleScanners sharing a database on %p',
  databaseId => {
    it('open each episode once and notify it once', async () => {
      const knex = await databases.init(databaseId);
      const cluster = new FakeCluster();
      cluster.hold(model, IDLE, [0, 1]);
      cluster.hold(job, IDLE, [2]);
      const a = await setup({ store: await storeOn(knex), cluster });
      const b = await setup({ store: await storeOn(knex), cluster });
      // Both replicas scan at once, then one after the other.
      await Promise.all([a.scanner.run(at(31)), b.scanner.run(at(31))]);
      await a.scanner.run(at(32));
      await b.scanner.run(at(33));
      await Promise.all([a.scanner.run(at(34)), b.scanner.run(at(34))]);
      const notices = [...a.notices, ...b.notices];
      expect(notices.map(n => n.episodes[0].pod).sort()).toEqual(
        [model.pod, job.pod].sort(),
      );
      expect(
        notices.find(n => n.episodes[0].pod === model.pod)!.episodes,
      ).toHaveLength(2);
      const open = await a.store.listOpen();
      expect(open.map(e => e.gpuId)).toEqual([0, 1, 2]);
      expect(open.every(e => e.lastSeen === iso(34))).toBe(true);
      // The job's GPU is busy again: both replicas end it once.
      cluster.setActivity(job.pod, BUSY);
      const ended = await Promise.all([
        a.scanner.run(at(35)),
        b.scanner.run(at(35)),
      ]);
      expect(ended[0].ended + ended[1].ended).toBe(1);
      expect((await a.store.listOpen()).map(e => e.gpuId)).toEqual([0, 1]);
    });
  },
);
