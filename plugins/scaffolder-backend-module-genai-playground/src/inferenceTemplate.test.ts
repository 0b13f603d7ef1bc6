import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
} from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { deployInferenceServiceRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createGenaiInferenceDeployAction } from './actions/genaiInferenceDeploy';

const templatePath = path.resolve(
  __dirname,
  '../../../templates/inference-service/template.yaml',
);

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

const template = yaml.parse(fs.readFileSync(templatePath, 'utf8')) as Entity & {
  spec: {
    parameters: JsonSchema[];
    steps: Array<{ id: string; action: string; input: Record<string, any> }>;
    output: Record<string, unknown>;
  };
};

const parameters: Record<string, JsonSchema> = Object.assign(
  {},
  ...template.spec.parameters.map(page => page.properties),
);

function setup() {
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
  return { client, action };
}

describe('templates/inference-service/template.yaml', () => {
  it('is an entity the catalog accepts', async () => {
    const policy = EntityPolicies.allOf([
      new SchemaValidEntityPolicy(),
      new NoForeignRootFieldsEntityPolicy(),
      new FieldFormatEntityPolicy(),
    ]);
    await expect(policy.enforce(template)).resolves.toBeDefined();
    await expect(templateEntityV1beta3Validator.check(template)).resolves.toBe(
      true,
    );
  });

  it('wires every parameter to the action input of the same name', () => {
    const { action } = setup();
    const [step] = template.spec.steps;
    expect(step.action).toBe(action.id);
    const inputs = (action.schema!.input as JsonSchema).properties!;
    for (const name of Object.keys(parameters)) {
      expect(step.input[name]).toBe(`\${{ parameters.${name} }}`);
      expect(Object.keys(inputs)).toContain(name);
    }
    expect(Object.keys(step.input).sort()).toEqual(
      Object.keys(parameters).sort(),
    );
  });

  it("uses the backend's own patterns for names", () => {
    const nameOk = new RegExp(parameters.name.pattern!);
    const modelOk = new RegExp(parameters.model.pattern!);
    for (const [name, model] of [
      ['llama-8b', 'meta-llama/Llama-3.1-8B-Instruct'],
      ['Llama_8B', 'llama'],
    ]) {
      const backend = deployInferenceServiceRequestSchema.safeParse({
        name,
        model,
      });
      expect(nameOk.test(name) && modelOk.test(model)).toBe(backend.success);
    }
  });

  it('runs the step with a filled-in form and shows outputs the action sets', async () => {
    const { client, action } = setup();
    const form: Record<string, unknown> = {
      environment: 'ml-research-serving',
      name: 'llama-8b-support',
      model: 'meta-llama/Llama-3.1-8B-Instruct',
      replicas: 1,
      gpusPerReplica: 2,
    };
    const [step] = template.spec.steps;
    // what the scaffolder's templating does: the value, or nothing for empty fields
    const input = Object.fromEntries(
      Object.entries(step.input)
        .map(([key, value]) => [
          key,
          form[String(value).match(/parameters\.(\w+)/)![1]],
        ])
        .filter(([, value]) => value !== undefined),
    );
    const ctx = {
      ...createMockActionContext({ input }),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/marco.rossi'),
    };
    await action.handler(ctx);
    expect(client.deployInferenceService).toHaveBeenCalledWith(
      'ml-research-serving',
      expect.objectContaining({
        name: 'llama-8b-support',
        gpusPerReplica: 2,
        replicas: 1,
      }),
      expect.anything(),
    );
    const used = [
      ...JSON.stringify(template.spec.output).matchAll(
        /steps\.deploy\.output\.(\w+)/g,
      ),
    ].map(m => m[1]);
    expect(used).toEqual(
      expect.arrayContaining([
        'environmentUrl',
        'gatewayPath',
        'modelName',
        'namespace',
      ]),
    );
    for (const name of used) {
      expect(ctx.output).toHaveBeenCalledWith(name, expect.any(String));
    }
  });
});
