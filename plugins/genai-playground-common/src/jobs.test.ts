import {
  isImageFromAllowedRegistry,
  jobGpuSeconds,
  listJobsQuerySchema,
  submitJobRequestSchema,
  type Job,
} from './jobs';

const valid = {
  environment: 'ml-research-demo',
  image: 'registry.example.com/genai/trainer:1.2',
  command: ['python', 'train.py'],
  gpus: 8,
};

function problems(input: unknown) {
  const result = submitJobRequestSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
}

describe('submitJobRequestSchema', () => {
  it('accepts a valid request and fills the defaults', () => {
    expect(submitJobRequestSchema.parse(valid)).toEqual({
      ...valid,
      pods: 1,
      cpu: 8,
      memoryGi: 64,
      retries: 0,
      gpuPool: 'mi300x',
    });
  });

  it.each([
    ['gpus', 0],
    ['gpus', 9],
    ['gpus', 'two'],
    ['gpus', 1.5],
    ['command', 'python train.py'],
    ['command', ['python', 3]],
    ['args', [{}]],
    ['image', 'Not An Image'],
    ['pods', 0],
    ['gpuPool', 'h100'],
    ['maxRuntimeHours', -1],
    ['queue', 'Team Queue'],
  ])('refuses %s = %j, naming the field', (field, value) => {
    const found = problems({ ...valid, [field]: value });
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].startsWith(field)).toBe(true);
  });

  it('takes plain values and Secret references for env', () => {
    expect(
      problems({
        ...valid,
        env: [
          { name: 'HF_HOME', value: '/tmp/hf' },
          {
            name: 'HF_TOKEN',
            valueFrom: { secretKeyRef: { name: 'hf', key: 'token' } },
          },
        ],
      }),
    ).toEqual([]);
  });

  it('refuses secrets in plain text: by the name or by the value', () => {
    expect(
      problems({ ...valid, env: [{ name: 'HF_TOKEN', value: 'abc' }] }),
    ).toEqual([expect.stringMatching(/^env\.0\.value: HF_TOKEN looks like/)]);
    expect(
      problems({
        ...valid,
        env: [{ name: 'WANDB_API_KEY', value: 'x' }],
      }),
    ).toHaveLength(1);
    expect(
      problems({
        ...valid,
        env: [{ name: 'EXTRA', value: `hf_${'a'.repeat(34)}` }],
      }),
    ).toEqual([expect.stringMatching(/^env\.0\.value: the value looks like/)]);
    expect(
      problems({
        ...valid,
        env: [{ name: 'EXTRA' }],
      }),
    ).toEqual([expect.stringMatching(/^env\.0: give either value/)]);
  });
});

describe('listJobsQuerySchema', () => {
  it('takes one status or several', () => {
    expect(
      listJobsQuerySchema.parse({ status: 'Pending,Running' }).status,
    ).toBe('Pending,Running');
    expect(listJobsQuerySchema.safeParse({ status: 'Done' }).success).toBe(
      false,
    );
    expect(listJobsQuerySchema.parse({ limit: '5' }).limit).toBe(5);
  });
});

describe('jobGpuSeconds', () => {
  const job = {
    status: 'Running',
    gpus: 8,
    pods: 2,
    startedAt: '2025-01-01T00:00:00.000Z',
  } as Job;

  it('counts a running job up to now and takes the recorded value of an ended one', () => {
    expect(jobGpuSeconds(job, new Date('2025-01-01T00:01:00.000Z'))).toBe(
      60 * 16,
    );
    expect(
      jobGpuSeconds(
        { ...job, status: 'Succeeded', gpuSeconds: 42 },
        new Date('2025-01-02T00:00:00.000Z'),
      ),
    ).toBe(42);
    expect(
      jobGpuSeconds({ ...job, status: 'Pending', startedAt: undefined }),
    ).toBe(0);
  });
});

describe('isImageFromAllowedRegistry', () => {
  it.each([
    ['registry.example.com/genai/trainer:1.2', ['registry.example.com'], true],
    [
      'registry.example.com/genai/trainer:1.2',
      ['registry.example.com/genai'],
      true,
    ],
    [
      'registry.example.com/genaix/trainer:1.2',
      ['registry.example.com/genai'],
      false,
    ],
    [
      `registry.example.com/genai/trainer@sha256:${'a'.repeat(64)}`,
      ['registry.example.com/genai'],
      true,
    ],
    // No registry host: never allowed, whatever the runtime's default registry is.
    ['rocm/pytorch:latest', ['rocm'], false],
    ['rocm/pytorch:latest', ['registry.example.com'], false],
    ['ubuntu', ['ubuntu'], false],
    ['localhost:5000/x/y', ['localhost:5000'], true],
    [
      'evil.example/registry.example.com/genai/x',
      ['registry.example.com'],
      false,
    ],
  ])('%s from %j: %s', (image, allowed, expected) => {
    expect(isImageFromAllowedRegistry(image, allowed)).toBe(expected);
  });
});
