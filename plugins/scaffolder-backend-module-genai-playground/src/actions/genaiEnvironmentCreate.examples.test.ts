import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createGenaiEnvironmentCreateAction } from './genaiEnvironmentCreate';
import { examples } from './genaiEnvironmentCreate.examples';
import { fakeCatalog, fakeClient } from '../__testUtils__/fakes';

describe('genai:environment:create examples', () => {
  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_, example) => {
      const client = fakeClient();
      const action = createGenaiEnvironmentCreateAction({
        client,
        auth: mockServices.auth(),
        catalog: fakeCatalog(),
      });
      const template = yaml.parse(example.example);
      const step = template.steps[0];
      expect(step.action).toBe(action.id);

      const ctx = {
        ...createMockActionContext({ input: step.input }),
        getInitiatorCredentials: async () =>
          mockCredentials.user('user:default/lena.fischer'),
      };
      await action.handler(ctx);

      expect(client.createEnvironment).toHaveBeenCalledWith(
        {
          name: 'llama-finetune',
          team: 'group:default/ml-research',
          gpuPool: 'mi300x',
          gpus: 8,
          cpu: 16,
          memoryGi: 128,
          storageGi: 500,
          ttlHours: 72,
          costCenter: 'CC-2100',
          monthlyBudget: 25000,
          dataClassification: 'internal',
          securityLevel: 'medium',
          description: 'LoRA fine-tuning of Llama 3.1 8B on support tickets',
        },
        { token: expect.any(String) },
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'url',
        '/genai-playground/environments/ml-research-llama-finetune',
      );
    },
  );
});
