import type { Job } from '@genai-portal/plugin-genai-playground-common';
import {
  formatDuration,
  formatGpuHours,
  formatJobGpus,
  jobGpuHours,
  jobRuntimeSeconds,
} from './jobFormat';

describe('job formatting', () => {
  it('formats durations in their two largest units', () => {
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(250)).toBe('4m 10s');
    expect(formatDuration(7500)).toBe('2h 5m');
    expect(formatDuration(90000)).toBe('1d 1h');
  });

  it('counts runtime and GPU-hours to the end, or to now while running', () => {
    const now = new Date('2025-01-01T01:00:00Z');
    const running = {
      status: 'Running',
      gpus: 8,
      pods: 2,
      startedAt: '2025-01-01T00:30:00Z',
    } as Job;
    expect(jobRuntimeSeconds(running, now)).toBe(1800);
    expect(jobGpuHours(running, now)).toBe(8);
    const ended = {
      ...running,
      status: 'Succeeded',
      finishedAt: '2025-01-01T00:45:00Z',
      gpuSeconds: 14400,
    } as Job;
    expect(jobRuntimeSeconds(ended, now)).toBe(900);
    expect(jobGpuHours(ended, now)).toBe(4);
    expect(jobRuntimeSeconds({ ...running, startedAt: undefined }, now)).toBe(
      undefined,
    );
    expect(formatGpuHours(0.4166)).toBe('0.42');
    expect(formatJobGpus(running)).toBe('2 × 8');
    expect(formatJobGpus({ gpus: 4, pods: 1 })).toBe('4');
  });
});
