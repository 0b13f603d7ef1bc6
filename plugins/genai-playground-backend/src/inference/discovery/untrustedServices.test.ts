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

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('discovery of untrusted Services', () => {
  let kube: KubeSim;
  beforeAll(async () => {
    kube = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
  });
  afterAll(() => kube.close());

  it('serves a Service with a selector; refuses ExternalName and selector-less ones', async () => {
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
    } finally {
      await h.close();
    }
  });
});
