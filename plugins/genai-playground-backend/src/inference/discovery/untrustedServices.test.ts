/**
 * Services in playground namespaces are the teams' own: discovery serves only those that route
 * to pods in the cluster, never an ExternalName alias or a Service whose endpoints anyone may
 * have written by hand.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { INFERENCE_MODEL_LABEL } from '@genai-portal/plugin-genai-playground-common';
import { CoreV1Api, KubeConfig, type V1Service } from '@kubernetes/client-node';
import {
  createRequest,
  createServices,
  MARCO,
} from '../../__testUtils__/harness';
import { startGateway } from '../__testUtils__/gatewayHarness';
import { UPSTREAM_URL_ANNOTATION } from '../deploy/manifests';
import { MAX_MODELS_PER_ENVIRONMENT } from './InferenceServiceDiscovery';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('discovery of untrusted Services', () => {
  let kube: KubeSim;
  beforeAll(async () => {
    kube = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
  });
  afterAll(() => kube.close());

  it('serves a Service with a selector; refuses ExternalName and selector-less ones, and more than a few per environment', async () => {
    const knex = await databases.init('SQLITE_3');
    const s = await createServices({ sim: kube, knex });
    const env = await s.environments.create(
      createRequest({ name: 'svc', gpuPool: 'mi355x', gpus: 1 }),
      { credentials: mockCredentials.user(MARCO) },
    );
    const h = await startGateway({
      knex,
      kubeUrl: kube.url,
      kubeToken: kube.token,
      inference: {
        discovery: { enabled: true, allowUpstreamAnnotation: true },
      },
    });
    try {
      const kc = new KubeConfig();
      kc.loadFromString(kube.kubeconfig);
      const core = kc.makeApiClient(CoreV1Api);
      const service = (name: string, spec: V1Service['spec']): V1Service => ({
        metadata: {
          name,
          namespace: env.namespace,
          labels: { [INFERENCE_MODEL_LABEL]: name },
          annotations: { [UPSTREAM_URL_ANNOTATION]: 'http://127.0.0.1:9' },
        },
        spec,
      });
      const ports = [{ name: 'http', port: 8000 }];
      for (const body of [
        service('in-cluster', { selector: { app: 'in-cluster' }, ports }),
        service('alias', {
          type: 'ExternalName',
          externalName: 'metadata.example.com',
          ports,
        }),
        service('hand-made-endpoints', { ports }),
      ]) {
        await core.createNamespacedService({
          namespace: env.namespace,
          body,
        });
      }
      expect(await h.gateway.discovery.refresh()).toEqual(['in-cluster']);
      expect(h.gateway.registry.get('alias')).toBeUndefined();
      expect(h.gateway.registry.get('hand-made-endpoints')).toBeUndefined();

      // a team labelling endless Services gets a bounded number of models (and metric series)
      for (let i = 0; i < 20; i++) {
        await core.createNamespacedService({
          namespace: env.namespace,
          body: service(`many-${i}`, { selector: { app: `m${i}` }, ports }),
        });
      }
      const served = await h.gateway.discovery.refresh();
      expect(served).toHaveLength(MAX_MODELS_PER_ENVIRONMENT);
      const metrics = await (await fetch(`${h.url}/metrics`)).text();
      const labelled = new Set(
        [...metrics.matchAll(/model="([^"]+)"/g)].map(m => m[1]),
      );
      expect(
        [...labelled].filter(m => m.startsWith('many-')).length,
      ).toBeLessThanOrEqual(MAX_MODELS_PER_ENVIRONMENT);
    } finally {
      await h.close();
    }
  });
});
