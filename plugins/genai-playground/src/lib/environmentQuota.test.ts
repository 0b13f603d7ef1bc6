import { parseQuantity } from '@genai-portal/plugin-genai-playground-common';
import { environmentQuota, quotaOf } from './environmentQuota';

// The parser is the one of -common, shared with the backend: these are the readings the
// playground's gauges rely on.

describe('parseQuantity', () => {
  it.each([
    ['2', 2],
    ['500m', 0.5],
    ['128Gi', 128 * 2 ** 30],
    ['1G', 1e9],
    ['1.5', 1.5],
    ['1e3', 1000],
    ['0', 0],
  ])('reads %s', (text, value) => {
    expect(parseQuantity(text)).toBeCloseTo(value);
  });

  it.each(['', 'abc', '12Xi', undefined])('rejects %p', text => {
    expect(parseQuantity(text)).toBeUndefined();
  });
});

describe('quotaOf', () => {
  it('reads requests.* keys and converts memory to GiB', () => {
    const usage = {
      hard: { 'requests.memory': '128Gi', 'requests.amd.com/gpu': '8' },
      used: { 'requests.memory': '32Gi', 'requests.amd.com/gpu': '2' },
      readAt: '2025-01-01T00:00:00Z',
    };
    expect(quotaOf(usage, 'memoryGi')).toEqual({ used: 32, hard: 128 });
    expect(quotaOf(usage, 'gpus')).toEqual({ used: 2, hard: 8 });
    expect(quotaOf(usage, 'pods')).toEqual({});
  });
});

describe('environmentQuota', () => {
  const quota = {
    gpus: 4,
    cpu: 16,
    memoryGi: 64,
    storageGi: 100,
    pods: 20,
    persistentVolumeClaims: 5,
  };

  it('falls back to the sized quota without usage', () => {
    expect(environmentQuota({ quota })).toEqual({
      gpus: { hard: 4 },
      cpu: { hard: 16 },
      memoryGi: { hard: 64 },
      pods: { hard: 20 },
    });
  });

  it('prefers the live ResourceQuota', () => {
    const result = environmentQuota({
      quota,
      quotaUsage: {
        hard: { 'requests.cpu': '16', pods: '20' },
        used: { 'requests.cpu': '1500m', pods: '3' },
        readAt: '2025-01-01T00:00:00Z',
      },
    });
    expect(result.cpu).toEqual({ used: 1.5, hard: 16 });
    expect(result.pods).toEqual({ used: 3, hard: 20 });
    expect(result.gpus).toEqual({ used: undefined, hard: 4 });
  });
});
