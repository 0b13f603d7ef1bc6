import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import type {
  ComplianceCheck,
  EnvironmentObjects,
} from '@genai-portal/plugin-genai-insights-node';
import { readInsightsConfig } from '../config';
import { createComplianceService } from './createComplianceService';

const read = (genaiInsights: unknown) =>
  readInsightsConfig(new ConfigReader({ genaiInsights } as any));

const check = (id: string, fails = false): ComplianceCheck => ({
  id,
  title: id,
  severity: 'high',
  category: 'labels',
  looksAt: 'the namespace',
  remediation: 'fix it',
  evaluate: () =>
    fails
      ? [
          {
            kind: 'Namespace',
            name: 'x',
            fieldPath: 'metadata',
            message: 'bad',
          },
        ]
      : [],
});

const environment = (name: string): EnvironmentObjects => ({
  namespace: {
    metadata: { name, labels: { 'genai-playground.io/team': 'ml-research' } },
  },
  pods: [],
  deployments: [],
  statefulSets: [],
  jobs: [],
  networkPolicies: [],
  resourceQuotas: [],
  limitRanges: [],
  podDisruptionBudgets: [],
  policyReports: [],
});

describe('genaiInsights.compliance', () => {
  it('defaults: Bronze, Silver and Gold, any registry, 60 s, the two pools', () => {
    const { compliance } = read({});
    expect(compliance.levels.map(l => l.name)).toEqual([
      'Bronze',
      'Silver',
      'Gold',
    ]);
    expect(compliance.levels[2].checks).toBe('*');
    expect(compliance).toMatchObject({
      levelsConfigured: false,
      allowedRegistries: [],
      cacheSeconds: 60,
      pools: [
        { name: 'mi355x', workloadType: 'inference' },
        { name: 'mi300x', workloadType: 'blueprint' },
      ],
    });
  });

  it.each([
    [{ cacheSeconds: -1 }, 'genaiInsights.compliance.cacheSeconds'],
    [{ levels: [{ checks: '*' }] }, 'genaiInsights.compliance.levels[0].name'],
    [
      { levels: [{ name: 'A', checks: 'all' }] },
      'genaiInsights.compliance.levels[0].checks',
    ],
  ])('refuses %j naming %s', (compliance, key) => {
    expect(() => read({ compliance })).toThrow(key);
  });

  it('stops at start-up when a configured level names a check nobody added', () => {
    const config = read({
      compliance: { levels: [{ name: 'Bronze', checks: ['a', 'nope'] }] },
    });
    expect(() =>
      createComplianceService({
        config,
        checks: [check('a')],
        logger: mockServices.logger.mock(),
      }),
    ).toThrow(
      "Invalid config at genaiInsights.compliance.levels: Level 'Bronze' names an unknown check 'nope'",
    );
  });

  it('keeps the default levels to the checks added, and caches an evaluation', async () => {
    let reads = 0;
    let now = Date.parse('2026-12-01T00:00:00Z');
    const service = createComplianceService({
      config: read({}),
      checks: [check('required-labels'), check('quota-gpu', true)],
      logger: mockServices.logger.mock(),
      reader: {
        read: async () => {
          reads++;
          return [environment('ml-a')];
        },
      },
      clock: () => new Date(now),
    });
    expect(service.levels[0].checks).toEqual(['required-labels', 'quota-gpu']);
    const [first, second] = await Promise.all([
      service.evaluation(),
      service.evaluation(),
    ]);
    expect(second).toBe(first);
    expect(reads).toBe(1);
    expect(first.scorecards.environments).toEqual([
      expect.objectContaining({
        environment: 'ml-a',
        team: 'group:default/ml-research',
        level: undefined,
      }),
    ]);
    now += 61_000;
    await service.evaluation();
    expect(reads).toBe(2);
  });

  it('answers empty scorecards without a cluster', async () => {
    const service = createComplianceService({
      config: read({}),
      checks: [check('required-labels')],
      logger: mockServices.logger.mock(),
    });
    const { scorecards } = await service.evaluation();
    expect(scorecards.environments).toEqual([]);
    expect(scorecards.platform.percent).toBeNull();
  });
});
