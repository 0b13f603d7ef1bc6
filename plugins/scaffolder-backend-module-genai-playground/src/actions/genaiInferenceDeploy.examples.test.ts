import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import yaml from 'yaml';
import { createGenaiInferenceDeployAction } from './genaiInferenceDeploy';
import { examples } from './genaiInferenceDeploy.examples';

describe('genai:inference:deploy examples', () => {
  it.each(examples.map(e => [e.description, e]))(
    'runs the example: %s',
    async (_, example) => {
      const client = {
        deployInferenceService: jest.fn(
          async (environmentId: string, request: any) => ({
            ...request,
            environmentId,
            namespace: environmentId,
            serviceUrl: `http://${request.name}.${environmentId}.svc:8000`,
            objects: [],
          }),
        ),
      };
      const action = createGenaiInferenceDeployAction({
        client,
        auth: mockServices.auth(),
      });
      const template = yaml.parse(example.example);
      const step = template.steps[0];
      expect(step.action).toBe(action.id);
      const ctx = {
        ...createMockActionContext({ input: step.input }),
        getInitiatorCredentials: async () =>
          mockCredentials.user('user:default/marco.rossi'),
      };
      await action.handler(ctx);
      expect(client.deployInferenceService).toHaveBeenCalledWith(
        'ml-research-serving',
        {
          name: 'llama-8b-support',
          model: 'meta-llama/Llama-3.1-8B-Instruct',
          replicas: 2,
          maxReplicas: 4,
          gpusPerReplica: 1,
          kind: 'chat',
          maxModelLen: 16384,
        },
        { token: expect.any(String) },
      );
      const used = [
        ...JSON.stringify(template.output).matchAll(
          /steps\.deploy\.output\.(\w+)/g,
        ),
      ].map(m => m[1]);
      for (const name of used) {
        expect(ctx.output).toHaveBeenCalledWith(name, expect.any(String));
      }
    },
  );
});
