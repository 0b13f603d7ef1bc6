import { projectMonthlyCost, RateCard } from './cost';

const rateCard: RateCard = {
  currency: 'USD',
  gpuHour: { mi355x: 4, mi300x: 3 },
  cpuCoreHour: 0.05,
  memoryGiHour: 0.01,
  storageGiMonth: 0.1,
};

describe('projectMonthlyCost', () => {
  it('prices a quota held for a whole month of 730 hours', () => {
    expect(
      projectMonthlyCost(
        { gpuPool: 'mi300x', gpus: 8, cpu: 32, memoryGi: 256, storageGi: 500 },
        rateCard,
      ),
    ).toEqual({
      currency: 'USD',
      gpu: 17520,
      cpu: 1168,
      memory: 1868.8,
      storage: 50,
      total: 20606.8,
    });
  });

  it('uses the rate of the requested pool', () => {
    const inference = projectMonthlyCost(
      { gpuPool: 'mi355x', gpus: 1, cpu: 0, memoryGi: 0 },
      rateCard,
    );
    expect(inference.gpu).toBe(2920);
    expect(inference.total).toBe(2920);
  });
});
