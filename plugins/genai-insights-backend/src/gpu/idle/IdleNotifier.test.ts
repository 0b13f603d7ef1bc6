import { mockServices } from '@backstage/backend-test-utils';
import type { IdleGpuEpisode } from '@genai-portal/plugin-genai-insights-common';
import {
  formatIdleDuration,
  idleHolder,
  idleLink,
  idlePayload,
  NotificationIdleNotifier,
  shortGpuModel,
  type IdleRuleOptions,
} from './IdleNotifier';

const RULE: IdleRuleOptions = {
  thresholdPercent: 5,
  windowMs: 30 * 60_000,
  inferenceNeedsNoRequests: true,
  notify: true,
};
const NOW = new Date('2026-12-30T12:00:00.000Z');

const episode = (o: Partial<IdleGpuEpisode> = {}): IdleGpuEpisode => ({
  id: '1',
  node: 'node-a',
  gpuId: 0,
  pool: 'mi300x',
  namespace: 'ml-research-lab',
  pod: 'train-42-0',
  kind: 'job',
  team: 'group:default/ml-research',
  environment: 'ml-research-lab',
  owner: 'user:default/marco.rossi',
  jobId: '42',
  since: '2026-12-30T10:00:00.000Z',
  lastSeen: NOW.toISOString(),
  costMicros: 5_800_000,
  ...o,
});

describe('idle notifications', () => {
  it('formats durations', () => {
    expect(formatIdleDuration(30 * 60_000)).toBe('30 min');
    expect(formatIdleDuration(59.9 * 60_000)).toBe('59 min');
    expect(formatIdleDuration(60 * 60_000)).toBe('1 h');
    expect(formatIdleDuration(125 * 60_000)).toBe('2 h 5 min');
    expect(formatIdleDuration(27 * 3_600_000)).toBe('1 d 3 h');
    expect(formatIdleDuration(48 * 3_600_000)).toBe('2 d');
    expect(formatIdleDuration(-5)).toBe('0 min');
  });

  it('names the card and what holds it', () => {
    expect(shortGpuModel('AMD Instinct MI355X', 'mi355x')).toBe('MI355X');
    expect(shortGpuModel(undefined, 'mi300x')).toBe('MI300X');
    expect(shortGpuModel('', 'mi300x')).toBe('MI300X');
    expect(idleHolder(episode())).toBe('job 42');
    expect(idleHolder(episode({ kind: 'inference', model: 'llama-8b' }))).toBe(
      'model server llama-8b',
    );
    expect(idleHolder(episode({ kind: 'other', jobId: undefined }))).toBe(
      'pod ml-research-lab/train-42-0',
    );
  });

  it('links to the job, the inference page or the environment', () => {
    expect(idleLink(episode({ jobId: 'a/b' }))).toBe(
      '/genai-playground/jobs/a%2Fb',
    );
    expect(
      idleLink(
        episode({ kind: 'inference', jobId: undefined, model: 'llama-8b' }),
      ),
    ).toBe('/genai-playground/inference');
    expect(idleLink(episode({ kind: 'other', jobId: undefined }))).toBe(
      '/catalog/default/resource/ml-research-lab',
    );
    expect(
      idleLink(
        episode({ kind: 'other', jobId: undefined, environment: undefined }),
      ),
    ).toBeUndefined();
  });

  it('says what is idle, where, for how long and for how much', () => {
    const payload = idlePayload(
      {
        episodes: [episode()],
        gpuModel: 'AMD Instinct MI300X',
        rule: RULE,
        now: NOW,
      },
      'EUR',
    );
    expect(payload).toEqual({
      title:
        '1 MI300X GPU idle for 2 h in ml-research/ml-research-lab (job 42)',
      description:
        'The job 42 (pod ml-research-lab/train-42-0) holds 1 GPU whose graphics activity has stayed under 5% since 2026-12-30 10:00 UTC. ' +
        'Cost so far: 5.80 EUR (2.0 GPU-hours). ' +
        'A held GPU is idle when its activity stays under 5% for 30 min; release the GPUs if they are not needed. ' +
        'You are told once while they stay idle.',
      link: '/genai-playground/jobs/42',
      severity: 'normal',
      topic: 'genai-insights-idle-gpus',
      scope:
        'genai-insights-idle-gpus:ml-research-lab/train-42-0:2026-12-30T10:00:00.000Z',
    });
    // Outside an environment: the namespace.
    expect(
      idlePayload(
        {
          episodes: [episode({ environment: undefined, team: undefined })],
          rule: RULE,
          now: NOW,
        },
        'EUR',
      ).title,
    ).toBe('1 MI300X GPU idle for 2 h in ml-research-lab (job 42)');
  });

  it('tells the owner and the leads once each, or nobody without them', async () => {
    const send = jest.fn(async () => {});
    const logger = mockServices.logger.mock();
    const notifier = new NotificationIdleNotifier({
      notifications: { send },
      teams: {
        contactsOf: async () => [
          'user:default/marco.rossi',
          'user:default/ada.lovelace',
        ],
      },
      currency: 'USD',
      logger,
    });
    const notice = { episodes: [episode()], rule: RULE, now: NOW };
    expect(await notifier.notify(notice)).toEqual([
      'user:default/marco.rossi',
      'user:default/ada.lovelace',
    ]);
    expect(
      await notifier.notify({
        ...notice,
        episodes: [episode({ team: undefined, owner: undefined })],
      }),
    ).toEqual([]);
    expect(send).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no owner or team to notify'),
    );
    const failing = new NotificationIdleNotifier({
      notifications: { send },
      teams: {
        contactsOf: async () => {
          throw new Error('catalog unavailable');
        },
      },
      currency: 'USD',
      logger,
    });
    await expect(failing.notify(notice)).rejects.toThrow('catalog unavailable');
  });
});
