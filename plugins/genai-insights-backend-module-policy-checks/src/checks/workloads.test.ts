import {
  checkContext,
  compliantEnvironment,
  evaluate,
  failedPaths,
} from '../__testUtils__/environment';
import { deploymentProbesCheck } from './deploymentProbes';
import { imageRegistryAndTagCheck, parseImage } from './imageRegistryAndTag';
import { pdbForReplicasCheck } from './pdbForReplicas';

describe('parseImage', () => {
  it.each([
    ['nginx', { repository: 'docker.io/library/nginx' }],
    ['rocm/vllm:latest', { repository: 'docker.io/rocm/vllm', tag: 'latest' }],
    ['localhost:5000/app:1', { repository: 'localhost:5000/app', tag: '1' }],
    [
      'quay.io/genai/app@sha256:abc',
      { repository: 'quay.io/genai/app', digest: 'sha256:abc' },
    ],
  ])('parses %s', (image, expected) => {
    expect(parseImage(image)).toEqual({ digest: undefined, ...expected });
  });
});

describe('image-registry-and-tag', () => {
  const check = imageRegistryAndTagCheck;
  const setImage = (image: unknown) => (env: any) => {
    env.pods[0].spec.containers[0].image = image;
  };
  const failure = (message: string) => ({
    kind: 'Pod',
    name: 'bp-j-7f3a-x2k9d',
    fieldPath: 'spec.containers[0].image',
    message,
  });

  it('fails an image from another registry, tagged latest', async () => {
    await expect(
      evaluate(check, setImage('rocm/vllm:latest')),
    ).resolves.toEqual([
      failure(
        "is 'rocm/vllm:latest', not from an allowed registry (quay.io/genai)",
      ),
      failure("is 'rocm/vllm:latest', tagged latest"),
    ]);
  });

  it('fails an untagged image, and a missing one', async () => {
    await expect(
      evaluate(check, setImage('quay.io/genai/app')),
    ).resolves.toEqual([
      failure("is 'quay.io/genai/app', without a tag (pulls latest)"),
    ]);
    await expect(evaluate(check, setImage(undefined))).resolves.toEqual([
      failure('is missing'),
    ]);
  });

  it('does not take a registry that only starts like an allowed one', async () => {
    await expect(
      failedPaths(check, setImage('quay.io/genai-evil/app:1')),
    ).resolves.toEqual(['Pod/bp-j-7f3a-x2k9d spec.containers[0].image']);
  });

  it('accepts digests, and any registry when none is configured', async () => {
    await expect(
      failedPaths(check, setImage('quay.io/genai/app@sha256:0123')),
    ).resolves.toEqual([]);
    await expect(
      evaluate(
        check,
        setImage('docker.io/rocm/vllm:latest'),
        checkContext({ allowedRegistries: [] }),
      ),
    ).resolves.toEqual([
      failure("is 'docker.io/rocm/vllm:latest', tagged latest"),
    ]);
  });

  it('checks init containers by their own index', async () => {
    await expect(
      failedPaths(check, env => {
        env.pods[1].spec.initContainers = [{ name: 'fetch', image: 'busybox' }];
      }),
    ).resolves.toEqual([
      'Pod/llama-7c9d4-abcde spec.initContainers[0].image',
      'Pod/llama-7c9d4-abcde spec.initContainers[0].image',
    ]);
  });
});

describe('deployment-probes', () => {
  const check = deploymentProbesCheck;

  it('applies only with a Deployment', () => {
    const env = compliantEnvironment();
    env.deployments = [];
    expect(check.appliesTo!(env, checkContext())).toBe(false);
  });

  it('fails containers without probes', async () => {
    await expect(
      evaluate(check, env => {
        const spec = env.deployments[0].spec.template.spec;
        delete spec.containers[0].readinessProbe;
        spec.containers.push({ name: 'sidecar' });
      }),
    ).resolves.toEqual([
      {
        kind: 'Deployment',
        name: 'llama',
        fieldPath: 'spec.template.spec.containers[0].readinessProbe',
        message: 'is missing',
      },
      {
        kind: 'Deployment',
        name: 'llama',
        fieldPath: 'spec.template.spec.containers[1].readinessProbe',
        message: 'is missing',
      },
      {
        kind: 'Deployment',
        name: 'llama',
        fieldPath: 'spec.template.spec.containers[1].livenessProbe',
        message: 'is missing',
      },
    ]);
  });
});

describe('pdb-for-replicas', () => {
  const check = pdbForReplicasCheck;

  it('applies only with a Deployment or StatefulSet of more than one replica', () => {
    const env = compliantEnvironment();
    expect(check.appliesTo!(env, checkContext())).toBe(true);
    env.deployments[0].spec.replicas = 1;
    expect(check.appliesTo!(env, checkContext())).toBe(false);
    env.statefulSets = [{ kind: 'StatefulSet', spec: { replicas: 3 } }];
    expect(check.appliesTo!(env, checkContext())).toBe(true);
  });

  it('fails a replicated Deployment no PDB selects', async () => {
    await expect(
      evaluate(check, env => {
        env.podDisruptionBudgets[0].spec.selector.matchLabels[
          'app.kubernetes.io/instance'
        ] = 'mistral';
      }),
    ).resolves.toEqual([
      {
        kind: 'Deployment',
        name: 'llama',
        fieldPath: 'spec.replicas',
        message: 'is 2, and no PodDisruptionBudget selects its pods',
      },
    ]);
  });

  it('fails a replicated StatefulSet, and matches selectors by expression', async () => {
    await expect(
      failedPaths(check, env => {
        env.statefulSets = [
          {
            kind: 'StatefulSet',
            metadata: { name: 'qdrant' },
            spec: {
              replicas: 3,
              template: { metadata: { labels: { app: 'qdrant' } } },
            },
          },
        ];
        env.podDisruptionBudgets[0].spec.selector = {
          matchExpressions: [
            {
              key: 'app.kubernetes.io/instance',
              operator: 'In',
              values: ['llama'],
            },
          ],
        };
      }),
    ).resolves.toEqual(['StatefulSet/qdrant spec.replicas']);
  });
});
