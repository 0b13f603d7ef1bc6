import {
  coreServices,
  createBackendPlugin,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import {
  DefaultEventsService,
  eventsServiceRef,
} from '@backstage/plugin-events-node';
import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import { GENAI_PLAYGROUND_ENVIRONMENT_TOPIC } from '@genai-portal/plugin-genai-playground-node';
import { catalogModuleGenaiPlayground } from './module';

const environment = {
  id: 'ml-research-rag-eval',
  name: 'rag-eval',
  team: 'group:default/ml-research',
  owner: 'user:default/lena.fischer',
  cluster: 'kube-sim',
  namespace: 'ml-research-rag-eval',
  gpuPool: 'mi355x',
  quota: {
    gpus: 1,
    cpu: 8,
    memoryGi: 64,
    storageGi: 100,
    pods: 50,
    persistentVolumeClaims: 10,
  },
  costCenter: 'CC-2100',
  currency: 'USD',
  dataClassification: 'internal',
  securityLevel: 'medium',
  status: 'ready',
  createdAt: '2025-06-01T10:00:00.000Z',
  updatedAt: '2025-06-01T10:00:00.000Z',
  expiresAt: '2025-06-04T10:00:00.000Z',
} satisfies Environment;

/** The genai-playground plugin as the module sees it over HTTP: GET /environments. */
const fakeGenaiPlayground = (requests: string[]) =>
  createBackendPlugin({
    pluginId: 'genai-playground',
    register(reg) {
      reg.registerInit({
        deps: { httpRouter: coreServices.httpRouter },
        async init({ httpRouter }) {
          httpRouter.use((req, res, next) => {
            if (req.method === 'GET' && req.path === '/environments') {
              requests.push(req.headers.authorization ?? '');
              res.json({ items: [environment] });
            } else {
              next();
            }
          });
        },
      });
    },
  });

describe('catalogModuleGenaiPlayground', () => {
  it('registers the provider and publishes environments when the backend announces a change', async () => {
    const events = DefaultEventsService.create({
      logger: mockServices.logger.mock(),
      useEventBus: 'never',
    });
    const providers: EntityProvider[] = [];
    const requests: string[] = [];

    const backend = await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (
              ...p: Array<EntityProvider | EntityProvider[]>
            ) => providers.push(...p.flat()),
            addProcessor: jest.fn(),
            addPlaceholderResolver: jest.fn(),
            setOnProcessingErrorHandler: jest.fn(),
          },
        ],
      ],
      features: [
        catalogModuleGenaiPlayground,
        fakeGenaiPlayground(requests),
        createServiceFactory({
          service: eventsServiceRef,
          deps: {},
          factory: () => events,
        }),
        mockServices.rootConfig.factory({
          data: { app: { baseUrl: 'http://portal.example.com' } },
        }),
      ],
    });

    try {
      expect(providers.map(p => p.getProviderName())).toEqual([
        'genai-playground-environments',
      ]);
      const mutations: EntityProviderMutation[] = [];
      await providers[0].connect({
        applyMutation: async m => {
          mutations.push(m);
        },
        refresh: jest.fn(),
      });

      await events.publish({
        topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
        eventPayload: { action: 'create', environment },
      });

      await waitFor(() => mutations.length > 0);
      expect(requests).toEqual([expect.stringMatching(/^Bearer /)]);
      expect(mutations[0]).toEqual({
        type: 'full',
        entities: [
          expect.objectContaining({
            entity: expect.objectContaining({
              metadata: expect.objectContaining({
                name: 'ml-research-rag-eval',
                annotations: expect.objectContaining({
                  'backstage.io/managed-by-location':
                    'url:http://portal.example.com/genai-playground/environments/ml-research-rag-eval',
                }),
              }),
            }),
          }),
        ],
      });
    } finally {
      await backend.stop();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('timed out');
    }
    await new Promise(r => setTimeout(r, 20));
  }
}
