import { ConfigReader } from '@backstage/config';
import { readJobsConfig, toJobSettings } from './config';

const read = (jobs?: object) =>
  readJobsConfig(new ConfigReader({ genaiPlayground: { jobs } }));

describe('readJobsConfig', () => {
  it('has a default for every key', () => {
    expect(read()).toEqual({
      allowedRegistries: ['image-registry.openshift-image-registry.svc:5000'],
      allowedPools: ['mi300x'],
      defaultRuntimeHours: 4,
      maxRuntimeHours: 72,
      maxPods: 8,
      maxRetries: 6,
      priorityClasses: [],
      defaultPriorityClass: undefined,
      ttlSecondsAfterFinished: 86400,
      tolerations: {
        mi300x: [
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
        mi355x: [
          { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        ],
      },
      watch: { sessionSeconds: 60, resyncSeconds: 15, timeoutSeconds: 300 },
      submitGraceSeconds: 300,
    });
  });

  it('reads every key and says what GET /settings shows of it', () => {
    const config = read({
      allowedRegistries: ['registry.example.com/genai/'],
      allowedPools: ['mi300x', 'mi355x'],
      defaultRuntimeHours: 1,
      maxRuntimeHours: 8,
      maxPods: 2,
      maxRetries: 0,
      priorityClasses: ['low', 'high'],
      defaultPriorityClass: 'low',
      ttlSecondsAfterFinished: 60,
      tolerations: { mi300x: [{ key: 'gpu', operator: 'Equal', value: 'x' }] },
      watch: { sessionSeconds: 30, resyncSeconds: 2, timeoutSeconds: 10 },
      submitGraceSeconds: 5,
    });
    expect(config).toMatchObject({
      allowedRegistries: ['registry.example.com/genai'],
      maxRetries: 0,
      tolerations: {
        mi300x: [{ key: 'gpu', operator: 'Equal', value: 'x' }],
      },
    });
    expect(toJobSettings(config)).toEqual({
      allowedRegistries: ['registry.example.com/genai'],
      allowedPools: ['mi300x', 'mi355x'],
      defaultRuntimeHours: 1,
      maxRuntimeHours: 8,
      maxPods: 2,
      maxRetries: 0,
      priorityClasses: ['low', 'high'],
      defaultPriorityClass: 'low',
    });
  });

  it.each([
    [{ allowedPools: ['h100'] }, 'genaiPlayground.jobs.allowedPools[0]'],
    [{ allowedRegistries: ['https://x'] }, 'allowedRegistries[0]'],
    [{ maxRuntimeHours: 0 }, 'maxRuntimeHours: must be a number above 0'],
    [
      { maxRuntimeHours: 2, defaultRuntimeHours: 3 },
      'defaultRuntimeHours: 3 is above',
    ],
    [{ priorityClasses: ['Bad_Name'] }, 'priorityClasses[0]'],
    [
      { priorityClasses: ['a'], defaultPriorityClass: 'b' },
      'defaultPriorityClass',
    ],
    [{ maxRetries: -1 }, 'maxRetries'],
    [{ maxPods: 1.5 }, 'maxPods: must be a whole number'],
    [
      { tolerations: { mi300x: [{ operator: 'In' }] } },
      'tolerations.mi300x[0].operator',
    ],
  ])('refuses %j, naming the key', (jobs, key) => {
    expect(() => read(jobs)).toThrow(key);
  });
});
