import {
  checkContext,
  compliantEnvironment,
  evaluate,
} from '../__testUtils__/environment';
import { gpuNotIdleCheck } from './gpuNotIdle';

describe('gpu-not-idle', () => {
  const check = gpuNotIdleCheck;

  it('passes when no GPU of the environment is idle', async () => {
    await expect(evaluate(check)).resolves.toEqual([]);
  });

  it('fails each idle GPU with its pod and since when', async () => {
    await expect(
      evaluate(check, env => {
        env.idleGpus = [
          {
            pod: 'llama-7c9d4-abcde',
            gpuId: 3,
            node: 'gpu-mi355x-0',
            since: '2026-12-05T08:40:00.000Z',
          },
          {
            pod: 'bp-j-7f3a-x2k9d',
            gpuId: 0,
            node: 'gpu-mi300x-1',
            since: '2026-12-05T11:15:00.000Z',
          },
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'llama-7c9d4-abcde',
        fieldPath: 'gpus[gpu-mi355x-0/3]',
        message:
          'is idle since 2026-12-05T08:40:00.000Z (3 h 20 min at the evaluation)',
      },
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: 'gpus[gpu-mi300x-1/0]',
        message:
          'is idle since 2026-12-05T11:15:00.000Z (45 min at the evaluation)',
      },
    ]);
  });

  it('does not apply where no pod holds GPUs', () => {
    const env = compliantEnvironment();
    env.pods = env.pods.filter(pod => pod.metadata?.name?.startsWith('x-'));
    expect(check.appliesTo!(env, checkContext())).toBe(false);
    env.idleGpus = [
      {
        pod: 'gone-0',
        gpuId: 0,
        node: 'gpu-mi355x-0',
        since: '2026-12-05T08:40:00.000Z',
      },
    ];
    expect(check.appliesTo!(env, checkContext())).toBe(true);
  });

  it('does not apply without the GPU utilization scan', () => {
    expect(
      check.appliesTo!({ idleGpus: undefined } as any, checkContext()),
    ).toBe(false);
    expect(
      check.appliesTo!(
        { idleGpus: [], pods: compliantEnvironment().pods } as any,
        checkContext(),
      ),
    ).toBe(true);
    expect(check.severity).toBe('medium');
    expect(check.category).toBe('gpu');
  });
});
