import { ENDED_JOB_DETAILS_MS, EndedJobDetails } from './EndedJobDetails';
import type { JobRecord } from './JobStore';

const record = (overrides: Partial<JobRecord> = {}) =>
  ({
    id: 'job1',
    kubernetesUid: 'uid-1',
    finishedAt: '2025-06-01T10:00:00.000Z',
    status: 'Succeeded',
    ...overrides,
  } as JobRecord);

const details = (name: string) => ({
  events: [],
  podDetails: [{ name } as any],
});

describe('EndedJobDetails', () => {
  it('reuses a run’s details for ENDED_JOB_DETAILS_MS, then reads again', () => {
    let now = 0;
    const kept = new EndedJobDetails(() => now);
    expect(kept.get(record())).toBeUndefined();
    kept.set(record(), details('a'));
    expect(kept.get(record())).toEqual(details('a'));
    now += ENDED_JOB_DETAILS_MS - 1;
    expect(kept.get(record())).toEqual(details('a'));
    now += 1;
    expect(kept.get(record())).toBeUndefined();
  });

  it('never answers another run or another job with them', () => {
    const kept = new EndedJobDetails(() => 0);
    kept.set(record(), details('a'));
    expect(kept.get(record({ kubernetesUid: 'uid-2' }))).toBeUndefined();
    expect(
      kept.get(record({ finishedAt: '2025-06-01T11:00:00.000Z' })),
    ).toBeUndefined();
    expect(kept.get(record({ id: 'job2' }))).toBeUndefined();
  });
});
