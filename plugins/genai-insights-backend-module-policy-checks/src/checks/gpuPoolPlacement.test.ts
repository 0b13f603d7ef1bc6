import {
  checkContext,
  compliantEnvironment,
  evaluate,
  failedPaths,
} from '../__testUtils__/environment';
import { gpuPoolPlacementCheck as check } from './gpuPoolPlacement';

describe('gpu-pool-placement', () => {
  it('applies only when some pod requests amd.com/gpu', () => {
    const env = compliantEnvironment();
    expect(check.appliesTo!(env, checkContext())).toBe(true);
    for (const pod of env.pods) {
      for (const c of pod.spec.containers) {
        delete c.resources.requests['amd.com/gpu'];
        c.resources.limits['amd.com/gpu'] = '0';
      }
    }
    expect(check.appliesTo!(env, checkContext())).toBe(false);
  });

  it('fails a blueprint job on the inference pool, naming the value', async () => {
    await expect(
      evaluate(check, env => {
        env.pods[0].spec.nodeSelector['gpu-type'] = 'mi355x';
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: 'spec.nodeSelector.gpu-type',
        message:
          "is 'mi355x', not 'mi300x': the pod is not on the blueprint pool (mi300x)",
      },
    ]);
  });

  it('fails a model server without a pool selector', async () => {
    await expect(
      evaluate(check, env => {
        delete env.pods[1].spec.nodeSelector;
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        name: 'llama-7c9d4-abcde',
        fieldPath: 'spec.nodeSelector.gpu-type',
        message:
          'is missing, and no required node affinity selects the inference pool (mi355x)',
      }),
    ]);
  });

  it('accepts a required node affinity on the pool', async () => {
    await expect(
      failedPaths(check, env => {
        const spec = env.pods[1].spec;
        delete spec.nodeSelector;
        spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'gpu-type', operator: 'In', values: ['mi355x'] },
                  ],
                },
              ],
            },
          },
        };
      }),
    ).resolves.toEqual([]);
    await expect(
      failedPaths(check, env => {
        const spec = env.pods[1].spec;
        delete spec.nodeSelector;
        spec.affinity = {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    {
                      key: 'gpu-type',
                      operator: 'In',
                      values: ['mi355x', 'mi300x'],
                    },
                  ],
                },
              ],
            },
          },
        };
      }),
    ).resolves.toEqual(['Pod/llama-7c9d4-abcde spec.nodeSelector.gpu-type']);
  });

  it('fails a GPU pod without the amd.com/gpu toleration', async () => {
    await expect(
      evaluate(check, env => {
        env.pods[0].spec.tolerations = [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: 'spec.tolerations',
        message: 'has no toleration for the amd.com/gpu taint',
      },
    ]);
  });

  it('leaves pods without GPUs alone, and puts other GPU pods on any pool', async () => {
    await expect(
      failedPaths(check, env => {
        env.pods.push({
          kind: 'Pod',
          metadata: { name: 'notebook' },
          spec: { containers: [{ resources: { limits: { cpu: '1' } } }] },
        });
        env.pods.push({
          kind: 'Pod',
          metadata: { name: 'gpu-notebook' },
          spec: {
            nodeSelector: { 'gpu-type': 'mi300x' },
            tolerations: [{ operator: 'Exists' }],
            containers: [{ resources: { limits: { 'amd.com/gpu': 1 } } }],
          },
        });
        env.pods.push({
          kind: 'Pod',
          metadata: { name: 'stray' },
          spec: {
            containers: [{ resources: { limits: { 'amd.com/gpu': '1' } } }],
          },
        });
      }),
    ).resolves.toEqual([
      'Pod/stray spec.nodeSelector.gpu-type',
      'Pod/stray spec.tolerations',
    ]);
  });

  it("uses the context's pools", async () => {
    const context = checkContext({
      pools: [
        {
          name: 'big',
          nodeLabel: 'pool',
          nodeLabelValue: 'big',
          workloadType: 'inference',
        },
      ],
    });
    await expect(failedPaths(check, undefined, context)).resolves.toEqual([
      // no blueprint pool configured: the job may be on any pool, and is on none of them
      'Pod/bp-j-7f3a-x2k9d spec.nodeSelector.pool',
      'Pod/llama-7c9d4-abcde spec.nodeSelector.pool',
      'Pod/llama-7c9d4-fghij spec.nodeSelector.pool',
    ]);
  });
});
