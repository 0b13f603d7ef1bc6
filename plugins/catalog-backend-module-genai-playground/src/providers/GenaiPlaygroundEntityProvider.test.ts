import { mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import type {
  Environment,
  GenaiPlaygroundApi,
} from '@genai-portal/plugin-genai-playground-common';
import { GenaiPlaygroundEntityProvider } from './GenaiPlaygroundEntityProvider';

function environment(overrides: Partial<Environment> = {}): Environment {
  const name = overrides.name ?? 'llama-finetune';
  const namespace = `ml-research-${name}`;
  return {
    id: namespace,
    name,
    team: 'group:default/ml-research',
    owner: 'user:default/lena.fischer',
    cluster: 'kube-sim',
    namespace,
    gpuPool: 'mi300x',
    quota: {
      gpus: 8,
      cpu: 16,
      memoryGi: 128,
      storageGi: 500,
      pods: 50,
      persistentVolumeClaims: 10,
    },
    costCenter: 'CC-2100',
    currency: 'USD',
    dataClassification: 'internal',
    securityLevel: 'medium',
    description: 'LoRA fine-tuning',
    status: 'ready',
    createdAt: '2025-06-01T10:00:00.000Z',
    updatedAt: '2025-06-01T10:00:00.000Z',
    expiresAt: '2025-06-04T10:00:00.000Z',
    ...overrides,
  };
}

function setup(items: Environment[] = []) {
  const listEnvironments = jest.fn(async () => ({ items }));
  const client = { listEnvironments } as unknown as GenaiPlaygroundApi;
  const mutations: EntityProviderMutation[] = [];
  const connection: EntityProviderConnection = {
    applyMutation: jest.fn(async (m: EntityProviderMutation) => {
      mutations.push(m);
    }),
    refresh: jest.fn(),
  };
  const taskRunner = { run: jest.fn(async () => {}) };
  const provider = new GenaiPlaygroundEntityProvider({
    client,
    auth: mockServices.auth({ pluginId: 'catalog' }),
    logger: mockServices.logger.mock(),
    taskRunner,
    appBaseUrl: 'http://localhost:3000/',
  });
  return { provider, connection, mutations, listEnvironments, taskRunner };
}

const policies = EntityPolicies.allOf([
  new SchemaValidEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
]);

function entitiesOf(mutation: EntityProviderMutation): Entity[] {
  if (mutation.type === 'full') {
    return mutation.entities.map(e => e.entity);
  }
  return mutation.added.map(e => e.entity);
}

describe('GenaiPlaygroundEntityProvider', () => {
  it('is named genai-playground-environments and schedules its refresh on connect', async () => {
    const { provider, connection, taskRunner } = setup();

    await provider.connect(connection);

    expect(provider.getProviderName()).toBe('genai-playground-environments');
    expect(taskRunner.run).toHaveBeenCalledWith({
      id: 'genai-playground-environments:refresh',
      fn: expect.any(Function),
    });
  });

  it('lists environments with a service token and publishes each live one as a Resource', async () => {
    const { provider, connection, mutations, listEnvironments } = setup([
      environment(),
      environment({ name: 'old', status: 'deleted' }),
    ]);
    await provider.connect(connection);

    await provider.refresh();

    expect(listEnvironments).toHaveBeenCalledWith(
      {},
      {
        token: expect.stringContaining('"target":"genai-playground"'),
      },
    );
    expect(mutations).toHaveLength(1);
    expect(mutations[0].type).toBe('full');
    const [entity, ...rest] = entitiesOf(mutations[0]);
    expect(rest).toEqual([]);
    expect(entity).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'ml-research-llama-finetune',
        namespace: 'default',
        title: 'llama-finetune (ml-research)',
        description: 'LoRA fine-tuning',
        labels: {
          'genai-playground.io/gpu-pool': 'mi300x',
          'genai-playground.io/status': 'ready',
          'genai-playground.io/security-level': 'medium',
          'genai-playground.io/data-classification': 'internal',
        },
        annotations: {
          'backstage.io/managed-by-location':
            'url:http://localhost:3000/genai-playground/environments/ml-research-llama-finetune',
          'backstage.io/managed-by-origin-location':
            'url:http://localhost:3000/genai-playground/environments/ml-research-llama-finetune',
          'backstage.io/kubernetes-id': 'ml-research-llama-finetune',
          'backstage.io/kubernetes-namespace': 'ml-research-llama-finetune',
          'backstage.io/kubernetes-label-selector':
            'app.kubernetes.io/managed-by=genai-playground-portal',
          'genai-playground.io/environment-id': 'ml-research-llama-finetune',
          'genai-playground.io/gpu-pool': 'mi300x',
          'genai-playground.io/expires-at': '2025-06-04T10:00:00.000Z',
          'genai-playground.io/cost-center': 'CC-2100',
          'genai-playground.io/team': 'group:default/ml-research',
          'genai-playground.io/created-by': 'user:default/lena.fischer',
          'genai-playground.io/cluster': 'kube-sim',
        },
        tags: ['genai-playground', 'mi300x'],
        links: [
          {
            url: 'http://localhost:3000/genai-playground/environments/ml-research-llama-finetune',
            title: 'Environment page',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'playground-environment',
        owner: 'group:default/ml-research',
        system: 'genai-playground',
        dependsOn: ['resource:default/gpu-pool-mi300x'],
      },
    });
    expect(
      mutations[0].type === 'full' && mutations[0].entities[0].locationKey,
    ).toBe('genai-playground-environments');
  });

  it('emits entities the catalog accepts, whatever the environment', async () => {
    const { provider, connection, mutations } = setup([
      environment(),
      environment({
        name: 'a',
        team: 'ml-research',
        gpuPool: 'mi355x',
        description: undefined,
        status: 'creating',
      }),
      environment({ name: 'b-2', status: 'failed', securityLevel: 'high' }),
    ]);
    await provider.connect(connection);
    await provider.refresh();

    const entities = entitiesOf(mutations[0]);
    expect(entities).toHaveLength(3);
    for (const entity of entities) {
      await expect(policies.enforce(entity)).resolves.toBe(entity);
      await expect(resourceEntityV1alpha1Validator.check(entity)).resolves.toBe(
        true,
      );
    }
    expect(entities[1].spec).toEqual(
      expect.objectContaining({
        owner: 'group:default/ml-research',
        dependsOn: ['resource:default/gpu-pool-mi355x'],
      }),
    );
    expect(entities[1].metadata.description).toBe(
      'Playground environment of ml-research on the MI355X pool: 8 GPUs, 16 CPU cores, 128 GiB memory, 500 GiB storage.',
    );
  });

  it('publishes an empty set when there are no environments, removing what was there', async () => {
    const { provider, connection, mutations } = setup([]);
    await provider.connect(connection);

    await provider.refresh();

    expect(mutations).toEqual([{ type: 'full', entities: [] }]);
  });

  it('adds a created environment as a delta when its event arrives', async () => {
    const { provider, connection, mutations, listEnvironments } = setup([]);
    await provider.connect(connection);
    await provider.refresh();

    const created = environment({ name: 'rag-eval', status: 'creating' });
    await provider.onEnvironmentEvent({
      action: 'create',
      environment: created,
    });

    expect(listEnvironments).toHaveBeenCalledTimes(1);
    expect(mutations[1]).toEqual({
      type: 'delta',
      added: [
        {
          entity: expect.objectContaining({
            metadata: expect.objectContaining({
              name: 'ml-research-rag-eval',
            }),
          }),
          locationKey: 'genai-playground-environments',
        },
      ],
      removed: [],
    });
  });

  it('updates an extended environment with its new expiry', async () => {
    const { provider, connection, mutations } = setup([environment()]);
    await provider.connect(connection);
    await provider.refresh();

    await provider.onEnvironmentEvent({
      action: 'extend',
      environment: environment({ expiresAt: '2025-06-10T10:00:00.000Z' }),
    });

    const [entity] = entitiesOf(mutations[1]);
    expect(
      entity.metadata.annotations?.['genai-playground.io/expires-at'],
    ).toBe('2025-06-10T10:00:00.000Z');
  });

  it.each(['delete', 'expire'])(
    'removes an environment on %s',
    async action => {
      const { provider, connection, mutations } = setup([environment()]);
      await provider.connect(connection);
      await provider.refresh();

      await provider.onEnvironmentEvent({
        action,
        environment: environment({
          status: 'deleted',
          deletedAt: '2025-06-02T10:00:00.000Z',
        }),
      });

      expect(mutations[1]).toEqual({
        type: 'delta',
        added: [],
        removed: [
          {
            entity: expect.objectContaining({
              kind: 'Resource',
              metadata: expect.objectContaining({
                name: 'ml-research-llama-finetune',
              }),
            }),
            locationKey: 'genai-playground-environments',
          },
        ],
      });
    },
  );

  it('drops deleted environments from the next full refresh', async () => {
    const items = [environment(), environment({ name: 'gone' })];
    const { provider, connection, mutations } = setup(items);
    await provider.connect(connection);
    await provider.refresh();
    items[1] = { ...items[1], status: 'deleted' };

    await provider.refresh();

    expect(entitiesOf(mutations[1]).map(e => e.metadata.name)).toEqual([
      'ml-research-llama-finetune',
    ]);
  });

  it('does a full refresh on an event before the first one succeeded', async () => {
    const { provider, connection, mutations, listEnvironments } = setup([
      environment(),
    ]);
    await provider.connect(connection);

    await provider.onEnvironmentEvent({
      action: 'create',
      environment: environment(),
    });

    expect(listEnvironments).toHaveBeenCalledTimes(1);
    expect(mutations.map(m => m.type)).toEqual(['full']);
  });

  it('does a full refresh on an event it cannot read', async () => {
    const { provider, connection, mutations } = setup([environment()]);
    await provider.connect(connection);
    await provider.refresh();

    await provider.onEnvironmentEvent({ hello: 'world' });

    expect(mutations.map(m => m.type)).toEqual(['full', 'full']);
  });

  it('applies an event that arrives during a refresh after the refresh', async () => {
    let release: () => void = () => {};
    const { provider, connection, mutations, listEnvironments } = setup([]);
    await provider.connect(connection);
    await provider.refresh();
    listEnvironments.mockImplementationOnce(
      () =>
        new Promise(resolve => {
          release = () => resolve({ items: [] });
        }),
    );

    const refresh = provider.refresh();
    const event = provider.onEnvironmentEvent({
      action: 'create',
      environment: environment({ name: 'late' }),
    });
    await new Promise(r => setImmediate(r));
    release();
    await Promise.all([refresh, event]);

    expect(mutations.map(m => m.type)).toEqual(['full', 'full', 'delta']);
  });

  it('fails a refresh when the backend cannot be reached, and recovers on the next', async () => {
    const { provider, connection, mutations, listEnvironments } = setup([
      environment(),
    ]);
    await provider.connect(connection);
    listEnvironments.mockRejectedValueOnce(new Error('ECONNREFUSED'));

    await expect(provider.refresh()).rejects.toThrow('ECONNREFUSED');
    await provider.refresh();

    expect(mutations).toHaveLength(1);
  });

  it('refuses to refresh before the catalog connected it', async () => {
    const { provider } = setup();
    await expect(provider.refresh()).rejects.toThrow(/not connected/);
  });
});
