/**
 * Compliance history end to end in the plugin: kube-sim (a process) holds the environments,
 * created through the Kubernetes API; the plugin's own hourly task takes the snapshots (the
 * test runs it, with the clock moved a day), and the route answers behind the portal's real
 * permission policy. Day 1 an environment fails a check; it is fixed through the Kubernetes
 * API; day 2 it passes, and the history shows the trend for its team and for the check.
 */
import {
  type SchedulerServiceTaskInvocationDefinition,
  type SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { ComplianceHistory } from '@genai-portal/plugin-genai-insights-common';
import { APPS, ML } from '../../__testUtils__/fixtures';
import { complianceBackend } from '../__testUtils__/complianceBackend';
import { HISTORY_TASK_ID } from './HistorySnapshotter';

jest.setTimeout(120_000);

type Task = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

const TOKEN = 'insights-history-token';
const USERS = {
  lena: 'user:default/lena.fischer',
  kenji: 'user:default/kenji.sato',
  admin: 'user:default/priya.raman',
};

const DAY1 = '2027-02-01';
const DAY2 = '2027-02-02';

/** Every timer API but Date: the clock moves a day, the backend's timers stay real. */
const NOT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('compliance history on kube-sim', () => {
  const tasks = new Map<string, Task>();
  const backend = complianceBackend({
    token: TOKEN,
    users: USERS,
    membership: {
      lena: [ML],
      kenji: [APPS],
      admin: ['group:default/platform-team'],
    },
    features: [
      mockServices.scheduler.mock({
        scheduleTask: async (task: Task) => {
          tasks.set(task.id, task);
        },
      }).factory,
    ],
    seed: async ({ core }) => {
      const namespace = (name: string, team: string | undefined, ok: boolean) =>
        core.createNamespace({
          body: {
            metadata: {
              name,
              labels: {
                'app.kubernetes.io/managed-by': 'genai-playground-portal',
                ...(team ? { 'genai-playground.io/team': team } : {}),
                ...(ok
                  ? {
                      'security-level': 'medium',
                      'data-classification': 'internal',
                    }
                  : {}),
              },
              annotations: {
                'genai-playground.io/cost-center': 'CC-2100',
                'genai-playground.io/budget': '1200 USD',
                'genai-playground.io/expires-at': `${DAY2}T23:00:00Z`,
              },
            },
          },
        });
      await namespace('ml-good', 'ml-research', true);
      await namespace('ml-bad', 'ml-research', false);
      await namespace('apps-a', 'genai-apps', true);
      await namespace('orphan', undefined, true);
    },
  });
  const { get } = backend;
  const error = async (who: keyof typeof USERS, path: string, status: number) =>
    (await get<{ error: { name: string; message: string } }>(who, path, status))
      .error;

  const snapshot = async () => {
    const task = tasks.get(HISTORY_TASK_ID);
    if (!task)
      throw new Error(`no task ${HISTORY_TASK_ID}: ${[...tasks.keys()]}`);
    await task.fn(new AbortController().signal);
  };

  beforeAll(async () => {
    await backend.start();

    // Day 1: ml-bad misses its labels.
    jest.useFakeTimers({
      doNotFake: [...NOT_DATE],
      now: new Date(`${DAY1}T09:00:00Z`),
      advanceTimers: true,
    });
    await snapshot();
    // Fixed through the Kubernetes API; the day's later snapshot would see it, but day 2's does.
    await backend.kube.core.patchNamespace({
      name: 'ml-bad',
      body: [
        { op: 'add', path: '/metadata/labels/security-level', value: 'medium' },
        {
          op: 'add',
          path: '/metadata/labels/data-classification',
          value: 'internal',
        },
      ],
    });
    jest.setSystemTime(new Date(`${DAY2}T09:00:00Z`));
    await snapshot();
  });

  afterAll(async () => {
    jest.useRealTimers();
    await backend.stop();
  });

  it("shows a member their team's trend and the check's", async () => {
    const history = await get<ComplianceHistory>(
      'lena',
      `/compliance/history?from=${DAY1}&to=${DAY2}`,
    );
    expect(history).toMatchObject({ from: DAY1, to: DAY2, interval: 'day' });
    expect(history.platform).toBeUndefined();
    expect(history.teams.map(t => t.name)).toEqual([ML]);
    const [ml] = history.teams;
    expect(ml.points.map(p => p.day)).toEqual([DAY1, DAY2]);
    expect(ml.points[1].score.percent!).toBeGreaterThan(
      ml.points[0].score.percent!,
    );
    const labels = ml.checks.filter(c => c.checkId === 'required-labels');
    expect(labels).toEqual([
      expect.objectContaining({ day: DAY1, passed: 1, failed: 1 }),
      expect.objectContaining({ day: DAY2, passed: 2, failed: 0 }),
    ]);

    // The default range: the 90 days up to today (day 2).
    const recent = await get<ComplianceHistory>('lena', '/compliance/history');
    expect(recent).toMatchObject({ from: '2026-11-05', to: DAY2 });
    expect(recent.teams[0].points).toEqual(ml.points);

    const env = await get<ComplianceHistory>(
      'lena',
      '/compliance/history?environment=ml-bad',
    );
    expect(env.teams).toEqual([]);
    expect(env.environment?.name).toBe('ml-bad');
    const [before, after] = env.environment!.points;
    expect(before).toMatchObject({ day: DAY1 });
    expect(before.level).toBeUndefined();
    expect(after).toMatchObject({ day: DAY2 });
    expect(after.score.percent!).toBeGreaterThan(before.score.percent!);
    expect(after.score.failed).toBeLessThan(before.score.failed);
  });

  it("refuses another team's history, and gives them their own", async () => {
    expect(
      await error('kenji', `/compliance/history?teams=${ML}`, 403),
    ).toMatchObject({
      name: 'NotAllowedError',
      message: `Not allowed: genai-insights.compliance.read on ${ML}`,
    });
    expect(
      (await error('kenji', '/compliance/history?environment=ml-bad', 403))
        .message,
    ).toContain(ML);
    expect(
      (await error('lena', '/compliance/history?environment=apps-a', 403))
        .message,
    ).toContain(APPS);
    // An environment of no team is for those who read every team.
    await error('lena', '/compliance/history?environment=orphan', 403);
    const own = await get<ComplianceHistory>('kenji', '/compliance/history');
    expect(own.platform).toBeUndefined();
    expect(own.teams.map(t => t.name)).toEqual([APPS]);
    expect(own.teams[0].points).toHaveLength(2);
    expect(
      (await error('lena', '/compliance/history?environment=ml-nowhere', 404))
        .message,
    ).toContain('ml-nowhere');
  });

  it('gives those who read every team the platform, every team, and teamless environments', async () => {
    const all = await get<ComplianceHistory>(
      'admin',
      `/compliance/history?from=${DAY1}&to=${DAY2}`,
    );
    expect(all.platform?.map(p => p.day)).toEqual([DAY1, DAY2]);
    expect(all.platform![1].score.percent!).toBeGreaterThan(
      all.platform![0].score.percent!,
    );
    expect(
      all.platformChecks?.filter(c => c.checkId === 'required-labels'),
    ).toEqual([
      expect.objectContaining({ day: DAY1, passed: 3, failed: 1 }),
      expect.objectContaining({ day: DAY2, passed: 4, failed: 0 }),
    ]);
    expect(all.teams.map(t => t.name).sort()).toEqual([APPS, ML]);
    // The platform's checks stand for the teams' in this view.
    expect(all.teams.every(t => t.checks.length === 0)).toBe(true);
    expect(all.teams.every(t => t.points.length === 2)).toBe(true);
    const asked = await get<ComplianceHistory>(
      'admin',
      `/compliance/history?teams=ml-research&from=${DAY2}&to=${DAY2}`,
    );
    expect(asked.platform).toBeUndefined();
    expect(asked.teams.map(t => [t.name, t.points.length])).toEqual([[ML, 1]]);
    expect(all.interval).toBe('day');
    // 366 days, both included, is the longest range; over 92 days, a point a week (`to`'s
    // weekday: day 2, not day 1).
    const year = await get<ComplianceHistory>(
      'admin',
      `/compliance/history?from=2026-02-02&to=${DAY2}`,
    );
    expect(year).toMatchObject({
      from: '2026-02-02',
      to: DAY2,
      interval: 'week',
    });
    expect(year.platform?.map(p => p.day)).toEqual([DAY2]);
    const lenaYear = await get<ComplianceHistory>(
      'lena',
      `/compliance/history?from=2026-02-02&to=${DAY2}`,
    );
    expect(lenaYear.teams[0].points.map(p => p.day)).toEqual([DAY2]);
    expect(
      lenaYear.teams[0].checks.find(c => c.checkId === 'required-labels'),
    ).toMatchObject({ day: DAY2, passed: 2, failed: 0 });
    const orphan = await get<ComplianceHistory>(
      'admin',
      '/compliance/history?environment=orphan',
    );
    expect(orphan.environment?.points).toHaveLength(2);
  });

  it.each([
    [`from=${DAY2}&to=${DAY1}`, "to: must not be before 'from'"],
    ['from=2026-01-01&to=2027-01-02', 'from: must be within 366 days'],
    ['from=2026-02-01', 'from: must be within 366 days'],
    ['from=2027-03-01', 'from: must not be after today (2027-02-02)'],
    ['from=2027-2-1', 'from: must be a day (YYYY-MM-DD)'],
    ['to=2027-02-30', 'to: must be a day (YYYY-MM-DD)'],
    ['environment=ML_Bad', 'environment: must be a namespace name'],
    [
      `environment=ml-bad&teams=${ML}`,
      "teams: must not be given with 'environment'",
    ],
    ['teams=user:default/lena.fischer', 'teams:'],
    ['from=2027-01-01&from=2027-01-02', 'from'],
    [`environment=${'n'.repeat(64)}`, 'environment'],
    ['environment=ml.research', 'environment: must be a namespace name'],
    ['to=tomorrow', 'to: must be a day (YYYY-MM-DD)'],
    [`from=${'9'.repeat(100)}`, 'from'],
    ['environment=ml%00research', 'environment: must not contain a NUL'],
    ['teams=', 'teams'],
    ['teams=ml-research&teams=genai-apps', 'teams'],
  ])('refuses %s, naming the field', async (query, message) => {
    const refused = await error('lena', `/compliance/history?${query}`, 400);
    expect(refused.message).toContain(message);
  });

  it('refuses a parameter the contract does not name', async () => {
    expect(
      (await error('lena', '/compliance/history?day=2027-02-01', 400)).message,
    ).toContain('day');
  });
});
