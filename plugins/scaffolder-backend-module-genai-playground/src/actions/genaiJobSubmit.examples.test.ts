import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createGenaiJobSubmitAction } from './genaiJobSubmit';
import { examples } from './genaiJobSubmit.examples';
import { fakeClient } from '../__testUtils__/fakes';

describe('genai:job:submit examples', () => {
  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_, example) => {
      const client = fakeClient();
      const action = createGenaiJobSubmitAction({
        client,
        auth: mockServices.auth(),
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

      expect(client.submitJob).toHaveBeenCalledWith(
        expect.objectContaining({
          environment: 'ml-research-llama-finetune',
          name: 'llama-lora',
          command: ['python', 'finetune.py'],
          args: ['--config', 'configs/lora-8b.yaml'],
          gpus: 8,
          maxRuntimeHours: 6,
          retries: 1,
        }),
        expect.objectContaining({ token: expect.any(String) }),
      );
      expect(ctx.output).toHaveBeenCalledWith(
        'url',
        '/genai-playground/jobs/j7k2m9x4q1ab',
      );
    },
  );
});
