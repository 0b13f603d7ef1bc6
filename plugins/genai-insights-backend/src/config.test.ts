import { ConfigReader } from '@backstage/config';
import { readInsightsConfig } from './config';
import { rateAt } from './rates/RateCard';

const read = (genaiInsights: unknown) =>
  readInsightsConfig(new ConfigReader({ genaiInsights } as any));

describe('readInsightsConfig', () => {
  it('defaults to the playground prices from 1970, in micros', () => {
    const config = readInsightsConfig(new ConfigReader({}));
    expect(config.currency).toBe('USD');
    expect(config.chargeback).toBe('reserved');
    const version = config.rateCard.versions[0];
    expect(version.pools.get('mi355x')).toEqual({
      gpuHour: 4_100_000,
      spotGpuHour: 4_100_000,
    });
    expect(version.cpuCoreHour).toBe(40_000);
    expect(version.storageGiMonth).toBe(80_000);
  });

  it('reads versions with spot prices, tokens and effective dates', () => {
    const config = read({
      rateCard: {
        spotNodeLabels: [
          { name: 'node.kubernetes.io/capacity-type', value: 'spot' },
        ],
        versions: [
          {
            from: '2026-01-01T00:00:00Z',
            pools: [{ name: 'mi300x', gpuHour: 2.9, spotGpuHour: 1.2 }],
            tokens: [
              { model: 'llama', inputPerMillion: 0.15, outputPerMillion: 0.6 },
            ],
          },
          {
            from: '2026-06-01T00:00:00Z',
            pools: [{ name: 'mi300x', gpuHour: 3.1 }],
          },
        ],
      },
    });
    const { rateCard } = config;
    expect(rateCard.spotNodeLabels).toEqual({
      'node.kubernetes.io/capacity-type': 'spot',
    });
    expect(
      rateAt(rateCard, '2026-05-31T23:00:00.000Z').pools.get('mi300x'),
    ).toEqual({ gpuHour: 2_900_000, spotGpuHour: 1_200_000 });
    expect(
      rateAt(rateCard, '2026-06-01T00:00:00.000Z').pools.get('mi300x'),
    ).toEqual({ gpuHour: 3_100_000, spotGpuHour: 3_100_000 });
    expect(
      rateAt(rateCard, '2026-02-01T00:00:00.000Z').tokens.get('llama'),
    ).toEqual({ inputPerMillion: 150_000, outputPerMillion: 600_000 });
  });

  it.each([
    [{ currency: 'dollars' }, 'genaiInsights.currency'],
    [
      {
        rateCard: {
          spotNodeLabels: [
            { name: 'a', value: 'x' },
            { name: 'a', value: 'y' },
          ],
        },
      },
      'genaiInsights.rateCard.spotNodeLabels[1].name',
    ],
    [{ chargeback: 'both' }, 'genaiInsights.chargeback'],
    [{ rateCard: { versions: [] } }, 'genaiInsights.rateCard.versions:'],
    [
      { rateCard: { versions: [{ from: '2026-01-01T00:30:00Z' }] } },
      'genaiInsights.rateCard.versions[0].from: must be on a whole hour',
    ],
    [
      {
        rateCard: {
          versions: [
            { from: '2026-02-01T00:00:00Z' },
            { from: '2026-01-01T00:00:00Z' },
          ],
        },
      },
      'genaiInsights.rateCard.versions[1].from',
    ],
    [
      {
        rateCard: {
          versions: [
            {
              from: '2026-01-01T00:00:00Z',
              pools: [{ name: 'a', gpuHour: -1 }],
            },
          ],
        },
      },
      'genaiInsights.rateCard.versions[0].pools[0].gpuHour',
    ],
    [
      {
        rateCard: {
          versions: [
            {
              from: '2026-01-01T00:00:00Z',
              tokens: [{ model: 'm', inputPerMillion: 1 }],
            },
          ],
        },
      },
      'genaiInsights.rateCard.versions[0].tokens[0].outputPerMillion',
    ],
  ])('names the key of a bad value (%j)', (value, key) => {
    expect(() => read(value)).toThrow(`Invalid config at ${key}`);
  });
});

describe('readInsightsConfig: collector, cluster and notifications', () => {
  const PLAYGROUND = {
    kubernetes: {
      clusterLocatorMethods: [
        { type: 'catalog' },
        {
          type: 'config',
          clusters: [
            { name: 'other', url: 'https://other.example:6443' },
            {
              name: 'gpu',
              url: 'https://api.gpu.example:6443/',
              serviceAccountToken: 'read-token',
              caData: 'Q0E=',
            },
          ],
        },
      ],
    },
    genaiPlayground: { cluster: 'gpu' },
  };
  const readRoot = (data: object) => readInsightsConfig(new ConfigReader(data));

  it('defaults: every 30 s, no cluster, notifications on to the platform team', () => {
    const config = readInsightsConfig(new ConfigReader({}));
    expect(config.collector).toEqual({ frequencySeconds: 30 });
    expect(config.cluster).toBeUndefined();
    expect(config.notifications).toEqual({
      enabled: true,
      adminGroups: ['group:default/platform-team'],
    });
  });

  it('reads its own cluster, or else the playground cluster and admins', () => {
    expect(
      readRoot({
        ...PLAYGROUND,
        genaiInsights: {
          collector: { frequencySeconds: 120 },
          cluster: { url: 'http://127.0.0.1:7070/', token: 't' },
          notifications: { enabled: false },
        },
      }),
    ).toMatchObject({
      collector: { frequencySeconds: 120 },
      cluster: {
        url: 'http://127.0.0.1:7070',
        token: 't',
        caData: undefined,
        skipTLSVerify: false,
        source: 'genaiInsights.cluster',
      },
      notifications: { enabled: false },
    });
    expect(
      readRoot({
        ...PLAYGROUND,
        genaiPlayground: {
          cluster: 'gpu',
          adminGroups: ['admins', 'group:ops/sre'],
        },
      }),
    ).toMatchObject({
      cluster: {
        url: 'https://api.gpu.example:6443',
        token: 'read-token',
        caData: 'Q0E=',
        skipTLSVerify: false,
        source: 'genaiPlayground.cluster (gpu)',
      },
      notifications: {
        adminGroups: ['group:default/admins', 'group:ops/sre'],
      },
    });
    // The playground's own token wins, as in the playground.
    expect(
      readRoot({
        ...PLAYGROUND,
        genaiPlayground: { cluster: 'gpu', serviceAccountToken: 'portal' },
      }).cluster?.token,
    ).toBe('portal');
    // A playground cluster without a token: not collected (the playground stops on it).
    expect(
      readRoot({ ...PLAYGROUND, genaiPlayground: { cluster: 'other' } })
        .cluster,
    ).toBeUndefined();
  });

  it.each([
    [
      { genaiInsights: { collector: { frequencySeconds: 0 } } },
      'genaiInsights.collector.frequencySeconds: must be a number of seconds from 1 to 3600, got 0',
    ],
    [
      { genaiInsights: { collector: { frequencySeconds: 7200 } } },
      'genaiInsights.collector.frequencySeconds',
    ],
    [
      { genaiInsights: { cluster: { url: 'cluster.example', token: 't' } } },
      'genaiInsights.cluster.url: must be an http:// or https:// URL',
    ],
    [
      { genaiInsights: { cluster: { url: 'https://cluster.example' } } },
      'genaiInsights.cluster.token: missing',
    ],
    [
      { genaiPlayground: { adminGroups: ['user:default/ann'] } },
      "genaiPlayground.adminGroups[0]: 'user:default/ann' is not a group ref",
    ],
  ])('names the key of a bad value (%j)', (data, message) => {
    expect(() => readRoot(data)).toThrow(`Invalid config at ${message}`);
  });

  it.each([
    [
      { genaiInsights: { collector: { frequencySeconds: 'often' } } },
      'genaiInsights.collector.frequencySeconds',
    ],
    [
      { genaiInsights: { notifications: { enabled: 'maybe' } } },
      'genaiInsights.notifications.enabled',
    ],
    [
      { genaiInsights: { cluster: { token: 't' } } },
      'genaiInsights.cluster.url',
    ],
  ])('names the key of a value of the wrong type (%j)', (data, key) => {
    expect(() => readRoot(data)).toThrow(key);
  });
});
