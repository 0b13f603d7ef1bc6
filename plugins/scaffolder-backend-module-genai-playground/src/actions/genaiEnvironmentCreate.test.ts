import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createGenaiEnvironmentCreateAction } from './genaiEnvironmentCreate';
import {
  checkpointStore,
  environmentFor,
  fakeCatalog,
  fakeClient,
} from '../__testUtils__/fakes';

const input = {
  name: 'llama-finetune',
  team: 'group:default/ml-research',
  gpuPool: 'mi300x' as const,
  gpus: 8,
  cpu: 16,
  memoryGi: 128,
  ttlHours: 72,
  costCenter: 'CC-2100',
  dataClassification: 'internal' as const,
  securityLevel: 'medium' as const,
};

const user = mockCredentials.user('user:default/lena.fischer');
const userToken = mockCredentials.service.token({
  onBehalfOf: user,
  targetPluginId: 'genai-playground',
});

function setup() {
  const client = fakeClient();
  const action = createGenaiEnvironmentCreateAction({
    client,
    auth: mockServices.auth(),
    catalog: fakeCatalog(),
  });
  const store = checkpointStore();
  // createMockActionContext takes only some overrides; credentials and checkpoint go on top.
  const context = (overrides: Record<string, unknown> = {}) => ({
    ...createMockActionContext({ input: { ...input, ...overrides } }),
    getInitiatorCredentials: async () => user,
    checkpoint: store.checkpoint,
  });
  return { client, action, store, context };
}

describe('genai:environment:create', () => {
  it('creates the environment on behalf of the user with the input as the request', async () => {
    const { client, action, context } = setup();
    const ctx = context({ description: 'LoRA runs', monthlyBudget: 20000 });

    await action.handler(ctx);

    expect(client.createEnvironment).toHaveBeenCalledTimes(1);
    expect(client.createEnvironment).toHaveBeenCalledWith(
      {
        ...input,
        storageGi: 100,
        description: 'LoRA runs',
        monthlyBudget: 20000,
      },
      { token: userToken },
    );
    expect(client.getSettings).toHaveBeenCalledWith({ token: userToken });
  });

  it('sets the outputs: id, namespace, catalog entity, page, expiry and projected cost', async () => {
    const { action, context } = setup();
    const ctx = context();

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'environmentId',
      'ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'namespace',
      'ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      '/genai-playground/environments/ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'expiresAt',
      '2025-06-04T10:00:00.000Z',
    );
    // 8 x 3 x 730 + 16 x 0.05 x 730 + 128 x 0.01 x 730 + 100 x 0.1
    expect(ctx.output).toHaveBeenCalledWith('projectedMonthlyCost', 19048.4);
    expect(ctx.output).toHaveBeenCalledWith('currency', 'USD');
  });

  it('does not create a second time when the task is retried after the checkpoint', async () => {
    const { client, action, store, context } = setup();

    await action.handler(context());
    const retry = context();
    await action.handler(retry);

    expect(client.createEnvironment).toHaveBeenCalledTimes(1);
    expect([...store.values.keys()]).toEqual([
      'genai-environment-create-group:default/ml-research-llama-finetune',
    ]);
    expect(retry.output).toHaveBeenCalledWith(
      'environmentId',
      'ml-research-llama-finetune',
    );
  });

  it('creates again after a failed attempt: failures are not checkpointed', async () => {
    const { client, action, context } = setup();
    client.createEnvironment.mockRejectedValueOnce(
      new ServiceUnavailableError('cluster unreachable'),
    );

    await expect(action.handler(context())).rejects.toThrow(
      'cluster unreachable',
    );
    await action.handler(context());

    expect(client.createEnvironment).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['400', new InputError('gpus: exceeds the team cap of 16 GPUs')],
    ['403', new NotAllowedError('You are not a member of ml-research')],
    ['409', new ConflictError('Environment llama-finetune already exists')],
    ['503', new ServiceUnavailableError('The cluster is unreachable')],
  ])('surfaces a %s from the backend with its message', async (_, error) => {
    const { client, action, context } = setup();
    client.createEnvironment.mockRejectedValueOnce(error);

    await expect(action.handler(context())).rejects.toThrow(error);
  });

  it('fails the step when the backend reports the environment failed', async () => {
    const { client, action, context } = setup();
    client.createEnvironment.mockImplementationOnce(async request =>
      environmentFor(request, {
        status: 'failed',
        statusMessage: 'exceeded quota',
      }),
    );

    await expect(action.handler(context())).rejects.toThrow(
      'Environment ml-research-llama-finetune failed: exceeded quota',
    );
  });

  it('rejects invalid input naming the field, without calling the backend', async () => {
    const { client, action, context } = setup();

    await expect(action.handler(context({ name: 'Llama_1' }))).rejects.toThrow(
      /Invalid name: must be a DNS-1123 label/,
    );
    await expect(
      action.handler(context({ costCenter: 'cost center!' })),
    ).rejects.toThrow(InputError);
    expect(client.createEnvironment).not.toHaveBeenCalled();
  });

  it("defaults the cost center to the team's annotation when the form leaves it empty", async () => {
    const { client, action, context } = setup();

    await action.handler(context({ costCenter: undefined }));

    expect(client.createEnvironment).toHaveBeenCalledWith(
      expect.objectContaining({ costCenter: 'CC-2100' }),
      expect.anything(),
    );
  });

  it('asks for a cost center when neither the form nor the team gives one', async () => {
    const { client, action, context } = setup();

    await expect(
      action.handler(
        context({ costCenter: undefined, team: 'group:default/interns' }),
      ),
    ).rejects.toThrow(/Invalid costCenter: none given/);
    expect(client.createEnvironment).not.toHaveBeenCalled();
  });

  it('still succeeds when the settings cannot be read, without a cost', async () => {
    const { client, action, context } = setup();
    client.getSettings.mockRejectedValueOnce(new Error('settings down'));
    const ctx = context();

    await action.handler(ctx);

    expect(ctx.output).toHaveBeenCalledWith(
      'environmentId',
      'ml-research-llama-finetune',
    );
    expect(ctx.output).not.toHaveBeenCalledWith(
      'projectedMonthlyCost',
      expect.anything(),
    );
  });

  it('creates nothing in a dry run but predicts the outputs', async () => {
    const { client, action } = setup();
    const ctx = {
      ...createMockActionContext({ input }),
      isDryRun: true,
      getInitiatorCredentials: async () => user,
    };

    await action.handler(ctx);

    expect(client.createEnvironment).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'resource:default/ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith('projectedMonthlyCost', 19048.4);
  });
});
