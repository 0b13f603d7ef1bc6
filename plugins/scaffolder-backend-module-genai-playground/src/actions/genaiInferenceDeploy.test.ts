import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { InputError, NotAllowedError } from '@backstage/errors';
import type { InferenceService } from '@genai-portal/plugin-genai-playground-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { checkpointStore } from '../__testUtils__/fakes';
import { createGenaiInferenceDeployAction } from './genaiInferenceDeploy';

const user = mockCredentials.user('user:default/marco.rossi');
const userToken = mockCredentials.service.token({
  onBehalfOf: user,
  targetPluginId: 'genai-playground',
});

const input = {
  environment: 'ml-research-serving',
  name: 'llama-8b',
  model: 'meta-llama/Llama-3.1-8B-Instruct',
};

function answer(overrides: Partial<InferenceService> = {}): InferenceService {
  return {
    name: 'llama-8b',
    model: 'meta-llama/Llama-3.1-8B-Instruct',
    environmentId: 'ml-research-serving',
    namespace: 'ml-research-serving',
    replicas: 1,
    maxReplicas: 1,
    gpusPerReplica: 1,
    serviceUrl: 'http://llama-8b.ml-research-serving.svc:8000',
    routeHost: 'llama-8b-ml-research-serving.apps.example',
    objects: [
      { kind: 'Deployment', name: 'llama-8b' },
      { kind: 'Service', name: 'llama-8b' },
    ],
    ...overrides,
  };
}

function setup() {
  const client = { deployInferenceService: jest.fn(async () => answer()) };
  const action = createGenaiInferenceDeployAction({
    client,
    auth: mockServices.auth(),
  });
  const store = checkpointStore();
  const context = (
    overrides: Record<string, unknown> = {},
    dryRun = false,
  ) => ({
    ...createMockActionContext({ input: { ...input, ...overrides } }),
    getInitiatorCredentials: async () => user,
    checkpoint: store.checkpoint,
    isDryRun: dryRun,
  });
  return { client, action, context };
}

describe('genai:inference:deploy', () => {
  it('deploys on behalf of the user, with the defaults filled in', async () => {
    const { client, action, context } = setup();
    const ctx = context({ replicas: 2, maxReplicas: 3 });
    await action.handler(ctx);
    expect(client.deployInferenceService).toHaveBeenCalledWith(
      'ml-research-serving',
      {
        name: 'llama-8b',
        model: 'meta-llama/Llama-3.1-8B-Instruct',
        replicas: 2,
        maxReplicas: 3,
        gpusPerReplica: 1,
        kind: 'chat',
      },
      { token: userToken },
    );
    expect(ctx.output).toHaveBeenCalledWith('modelName', 'llama-8b');
    expect(ctx.output).toHaveBeenCalledWith('namespace', 'ml-research-serving');
    expect(ctx.output).toHaveBeenCalledWith(
      'serviceUrl',
      'http://llama-8b.ml-research-serving.svc:8000',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'routeHost',
      'llama-8b-ml-research-serving.apps.example',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'gatewayPath',
      '/api/genai-playground/v1',
    );
    expect(ctx.output).toHaveBeenCalledWith(
      'environmentUrl',
      '/genai-playground/environments/ml-research-serving',
    );
  });

  it('does not deploy again when the task is retried', async () => {
    const { client, action, context } = setup();
    await action.handler(context());
    await action.handler(context());
    expect(client.deployInferenceService).toHaveBeenCalledTimes(1);
  });

  it('checks the input before calling the backend', async () => {
    const { client, action, context } = setup();
    await expect(action.handler(context({ name: 'Llama_8B' }))).rejects.toThrow(
      InputError,
    );
    await expect(action.handler(context({ model: 'llama' }))).rejects.toThrow(
      'Invalid model: must be a Hugging Face model id: <org>/<model>',
    );
    await expect(
      action.handler(context({ gpusPerReplica: 9 })),
    ).rejects.toThrow(/Invalid gpusPerReplica/);
    expect(client.deployInferenceService).not.toHaveBeenCalled();
  });

  it("surfaces the backend's refusal", async () => {
    const { client, action, context } = setup();
    client.deployInferenceService.mockRejectedValueOnce(
      new NotAllowedError(
        'not allowed: genai-playground.inference.deploy on environment ml-research-serving',
      ),
    );
    await expect(action.handler(context())).rejects.toThrow(
      'not allowed: genai-playground.inference.deploy on environment ml-research-serving',
    );
  });

  it('only says what it would do in a dry run', async () => {
    const { client, action, context } = setup();
    const ctx = context({}, true);
    await action.handler(ctx);
    expect(client.deployInferenceService).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('modelName', 'llama-8b');
  });
});
