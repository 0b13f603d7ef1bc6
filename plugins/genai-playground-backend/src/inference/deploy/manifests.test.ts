import { ConfigReader } from '@backstage/config';
import { readInferenceConfig } from '../config';
import {
  deploymentManifest,
  needsDisruptionBudget,
  podDisruptionBudgetManifest,
  type InferenceServiceSpec,
} from './manifests';

const readDeployConfig = () => readInferenceConfig(new ConfigReader({})).deploy;

const spec: InferenceServiceSpec = {
  name: 'team-llama',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
  namespace: 'ml-research-serving',
  environmentId: 'env-1',
  team: 'group:default/ml-research',
  gpuPool: 'mi355x',
  securityLevel: 'high',
  dataClassification: 'confidential',
  replicas: 2,
  maxReplicas: 4,
  gpusPerReplica: 1,
  kind: 'chat',
};

describe('model server manifests', () => {
  it('label the pods with the environment classification', () => {
    const deployment = deploymentManifest(spec, readDeployConfig());
    expect(deployment.spec!.template.metadata!.labels).toMatchObject({
      'security-level': 'high',
      'data-classification': 'confidential',
    });
  });

  it('run vLLM on a read-only root with emptyDirs for what it writes', () => {
    const pod = deploymentManifest(spec, readDeployConfig()).spec!.template
      .spec!;
    const [container] = pod.containers;
    expect(container.image).toBe('rocm/vllm:rocm7.0.0_vllm_0.11.1_20251024');
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    const mounts = Object.fromEntries(
      container.volumeMounts!.map(m => [m.mountPath, m.name]),
    );
    const emptyDirs = pod.volumes!.filter(v => v.emptyDir).map(v => v.name);
    // every directory vLLM, Triton and Hugging Face write to is on an emptyDir
    for (const dir of ['/tmp', '/models-cache', '/dev/shm']) {
      expect(emptyDirs).toContain(mounts[dir]);
    }
    const writable = ['HOME', 'HF_HOME', 'XDG_CACHE_HOME', 'VLLM_CACHE_ROOT'];
    const dirs = container
      .env!.filter(e => [...writable, 'TRITON_CACHE_DIR'].includes(e.name))
      .map(e => [e.name, e.value]);
    expect(dirs).toHaveLength(5);
    expect(dirs).toEqual(
      dirs.map(([name]) => [
        name,
        expect.stringMatching(/^\/(tmp|models-cache)(\/|$)/),
      ]),
    );
  });

  it('keep the configured image', () => {
    const config = { ...readDeployConfig(), image: 'genai/vllm:1.2' };
    expect(
      deploymentManifest(spec, config).spec!.template.spec!.containers[0].image,
    ).toBe('genai/vllm:1.2');
  });

  it('budget disruptions of a model server that may run several replicas', () => {
    expect(needsDisruptionBudget(spec)).toBe(true);
    expect(
      needsDisruptionBudget({ ...spec, replicas: 1, maxReplicas: 2 }),
    ).toBe(true);
    expect(
      needsDisruptionBudget({ ...spec, replicas: 1, maxReplicas: 1 }),
    ).toBe(false);
    const pdb = podDisruptionBudgetManifest(spec);
    const deployment = deploymentManifest(spec, readDeployConfig());
    expect(pdb).toMatchObject({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'team-llama', namespace: 'ml-research-serving' },
      spec: { maxUnavailable: 1, selector: deployment.spec!.selector },
    });
    // the selector picks the Deployment's pods
    const podLabels = deployment.spec!.template.metadata!.labels!;
    for (const [k, v] of Object.entries(pdb.spec!.selector!.matchLabels!)) {
      expect(podLabels[k]).toBe(v);
    }
  });
});
