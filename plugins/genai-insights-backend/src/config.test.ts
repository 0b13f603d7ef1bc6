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
