import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { createGenaiJobSubmitAction, environmentIdOf } from './genaiJobSubmit';
import { checkpointStore, fakeClient, jobFor } from '../__testUtils__/fakes';

const IMAGE =
  'image-registry.openshift-image-registry.svc:5000/ml-research/llama-finetune:1.4';

const input = {
  environment: 'resource:default/ml-research-llama-finetune',
  image: IMAGE,
  command: ['python', 'finetune.py'],
  gpus: 8,
  maxRuntimeHours: 6,
};

const user = mockCredentials.user('user:default/lena.fischer');
const userToken = mockCredentials.service.token({
  onBehalfOf: user,
  targetPluginId: 'genai-playground',
});

function setup() {
  const client = fakeClient();
  const action = createGenaiJobSubmitAction({
    client,
    auth: mockServices.auth(),
  });
  const store = checkpointStore();
  const context = (overrides: Record<string, unknown> = {}) => ({
    ...createMockActionContext({ input: { ...input, ...overrides } }),
    step: { id: 'submit' },
    getInitiatorCredentials: async () => user,
    checkpoint: store.checkpoint,
  });
  return { client, action, store, context };
}

describe('genai:job:submit', () => {
  it('submits the job on behalf of the user, to the environment the picker chose, with an idempotency key', async () => {
    const { client, action, context } = setup();
    const ctx = context();

    await action.handler(ctx);

    const key = 'scaffolder:mock-task-id:submit';
    expect(client.submitJob).toHaveBeenCalledTimes(1);
    expect(client.submitJob).toHaveBeenCalledWith(
      {
        environment: 'ml-research-llama-finetune',
        image: IMAGE,
        command: ['python', 'finetune.py'],
        gpus: 8,
        pods: 1,
        cpu: 8,
        memoryGi: 64,
        maxRuntimeHours: 6,
        retries: 0,
        gpuPool: 'mi300x',
        idempotencyKey: key,
      },
      { token: userToken, idempotencyKey: key },
    );
    expect(ctx.output).toHaveBeenCalledWith('jobId', 'j7k2m9x4q1ab');
    expect(ctx.output).toHaveBeenCalledWith('jobName', 'bp-j7k2m9x4q1ab');
    expect(ctx.output).toHaveBeenCalledWith(
      'namespace',
      'ml-research-llama-finetune',
    );
    expect(ctx.output).toHaveBeenCalledWith('status', 'Pending');
    expect(ctx.output).toHaveBeenCalledWith(
      'url',
      '/genai-playground/jobs/j7k2m9x4q1ab',
    );
  });

  it('passes on what the pre-flight said: queued', async () => {
    const { client, action, context } = setup();
    client.submitJob.mockImplementationOnce(async request =>
      jobFor(request, {
        statusMessage:
          'queued: waiting for 8 GPUs (pool mi300x has 0 of 16 free)',
      }),
    );
    const ctx = context();
    await action.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith(
      'statusMessage',
      'queued: waiting for 8 GPUs (pool mi300x has 0 of 16 free)',
    );
  });

  it('does not submit again when the task is retried after the checkpoint', async () => {
    const { client, action, context } = setup();
    await action.handler(context());
    await action.handler(context());
    expect(client.submitJob).toHaveBeenCalledTimes(1);
  });

  it('submits again after a failure with the same idempotency key, so the backend makes one job', async () => {
    const { client, action, context } = setup();
    client.submitJob.mockRejectedValueOnce(
      new ServiceUnavailableError('cluster unreachable'),
    );
    await expect(action.handler(context())).rejects.toThrow(
      'cluster unreachable',
    );
    await action.handler(context());
    expect(client.submitJob).toHaveBeenCalledTimes(2);
    const keys = client.submitJob.mock.calls.map(([, o]) => o?.idempotencyKey);
    expect(new Set(keys).size).toBe(1);
  });

  it.each([
    [
      '400',
      new InputError(
        'Invalid request: gpus: refused: the quota allows 8 GPUs (8 in use)',
      ),
    ],
    [
      '403',
      new NotAllowedError(
        'environment: ml-research-llama-finetune belongs to group:default/ml-research',
      ),
    ],
  ])('surfaces a %s from the backend with its message', async (_, error) => {
    const { client, action, context } = setup();
    client.submitJob.mockRejectedValueOnce(error);
    await expect(action.handler(context())).rejects.toThrow(error);
  });

  it.each([
    [{ gpus: 9 }, /^Invalid gpus: Too big/],
    [{ gpus: 0 }, /^Invalid gpus: Too small/],
    [{ command: 'python train.py' }, /^Invalid command: /],
    [{ image: 'Not An Image' }, /^Invalid image: must be an image reference/],
    [
      { environment: 'group:default/ml-research' },
      /^Invalid environment: .* is not a playground environment/,
    ],
  ])(
    'refuses %j naming the field, without calling the backend',
    async (overrides, message) => {
      const { client, action, context } = setup();
      await expect(action.handler(context(overrides))).rejects.toThrow(message);
      expect(client.submitJob).not.toHaveBeenCalled();
    },
  );

  it('submits nothing in a dry run', async () => {
    const { client, action } = setup();
    const ctx = {
      ...createMockActionContext({ input }),
      isDryRun: true,
      getInitiatorCredentials: async () => user,
    };
    await action.handler(ctx);
    expect(client.submitJob).not.toHaveBeenCalled();
    expect(ctx.output).toHaveBeenCalledWith('status', 'Pending');
  });
});

describe('environmentIdOf', () => {
  it('takes an entity ref or an id', () => {
    expect(environmentIdOf('resource:default/ml-research-a')).toBe(
      'ml-research-a',
    );
    expect(environmentIdOf('resource:ml-research-a')).toBe('ml-research-a');
    expect(environmentIdOf('ml-research-a')).toBe('ml-research-a');
  });
});
