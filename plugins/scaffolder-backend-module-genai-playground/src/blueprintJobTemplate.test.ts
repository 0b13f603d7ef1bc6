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
import {
  IMAGE_REFERENCE,
  submitJobRequestSchema,
} from '@genai-portal/plugin-genai-playground-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createGenaiJobSubmitAction } from './actions/genaiJobSubmit';
import { fakeClient } from './__testUtils__/fakes';

const templatePath = path.resolve(
  __dirname,
  '../../../templates/blueprint-job/template.yaml',
);

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  'ui:field'?: string;
  'ui:options'?: Record<string, unknown>;
};

const template = yaml.parse(fs.readFileSync(templatePath, 'utf8')) as Entity & {
  spec: {
    parameters: JsonSchema[];
    steps: Array<{ id: string; action: string; input: Record<string, any> }>;
    output: { links: Array<Record<string, string>> };
  };
};

const action = createGenaiJobSubmitAction({
  client: fakeClient(),
  auth: mockServices.auth(),
});
const inputs = (action.schema!.input as JsonSchema).properties!;
const parameters: Record<string, JsonSchema> = Object.assign(
  {},
  ...template.spec.parameters.map(page => page.properties),
);

function referencedParameters(value: unknown): string[] {
  return [
    ...JSON.stringify(value).matchAll(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g),
  ].map(m => m[1]);
}

describe('templates/blueprint-job/template.yaml', () => {
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

  it('submits with genai:job:submit, each parameter to the input of the same name and type', () => {
    expect(template.spec.steps.map(s => s.action)).toEqual([action.id]);
    const step = template.spec.steps[0];
    for (const [name, parameter] of Object.entries(parameters)) {
      expect({ name, input: step.input[name] }).toEqual({
        name,
        input: `\${{ parameters.${name} }}`,
      });
      const input = inputs[name];
      expect({ name, type: parameter.type }).toEqual({
        name,
        type:
          input.type === 'number' && parameter.type === 'integer'
            ? 'integer'
            : input.type,
      });
    }
    expect(Object.keys(step.input).sort()).toEqual(
      Object.keys(parameters).sort(),
    );
    expect(Object.keys(step.input)).toEqual(
      expect.arrayContaining((action.schema!.input as JsonSchema).required!),
    );
    for (const name of referencedParameters(template.spec.steps)) {
      expect(Object.keys(parameters)).toContain(name);
    }
  });

  it("picks one of the user's playground environments", () => {
    expect(parameters.environment).toMatchObject({
      'ui:field': 'OwnedEntityPicker',
      'ui:options': {
        catalogFilter: [
          { kind: 'Resource', 'spec.type': 'playground-environment' },
        ],
      },
    });
  });

  it('checks what the backend checks: GPUs 1 to 8, the image reference, a list of strings as command', () => {
    expect(parameters.gpus).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 8,
    });
    expect(new RegExp(parameters.image.pattern!).source).toBe(
      IMAGE_REFERENCE.source,
    );
    expect(parameters.command).toMatchObject({
      type: 'array',
      items: { type: 'string' },
    });
    const required = template.spec.parameters.flatMap(p => p.required ?? []);
    const defaults = Object.fromEntries(
      Object.entries(parameters)
        .filter(([, p]) => p.default !== undefined)
        .map(([name, p]) => [name, p.default]),
    );
    const mandatory = Object.entries(submitJobRequestSchema.shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([field]) => field);
    expect(required).toEqual(expect.arrayContaining(mandatory));
    expect(
      submitJobRequestSchema.safeParse({
        ...defaults,
        environment: 'ml-research-llama',
        image: 'image-registry.openshift-image-registry.svc:5000/ml/train:1',
      }).success,
    ).toBe(true);
  });

  it('runs the step with a filled-in form and links to the job page', async () => {
    const client = fakeClient();
    const run = createGenaiJobSubmitAction({
      client,
      auth: mockServices.auth(),
    });
    const form: Record<string, unknown> = {
      environment: 'resource:default/ml-research-llama',
      image: 'image-registry.openshift-image-registry.svc:5000/ml/train:1',
      command: ['python', 'train.py'],
      gpus: 8,
      pods: 1,
      maxRuntimeHours: 4,
      retries: 0,
    };
    const step = template.spec.steps[0];
    const input = Object.fromEntries(
      Object.entries(step.input)
        .map(([key, value]) => [key, form[referencedParameters(value)[0]]])
        .filter(([, value]) => value !== undefined),
    );
    const ctx = {
      ...createMockActionContext({ input }),
      getInitiatorCredentials: async () =>
        mockCredentials.user('user:default/lena.fischer'),
    };
    await run.handler(ctx);
    expect(client.submitJob).toHaveBeenCalledWith(
      expect.objectContaining({
        environment: 'ml-research-llama',
        command: ['python', 'train.py'],
        gpus: 8,
      }),
      expect.anything(),
    );
    const outputs = (run.schema!.output as JsonSchema).properties!;
    const used = [
      ...JSON.stringify(template.spec.output).matchAll(
        /steps\.submit\.output\.(\w+)/g,
      ),
    ].map(m => m[1]);
    for (const name of used) {
      expect(Object.keys(outputs)).toContain(name);
      expect(ctx.output).toHaveBeenCalledWith(name, expect.any(String));
    }
    expect(template.spec.output.links).toEqual([
      expect.objectContaining({
        title: 'Open job',
        url: '${{ steps.submit.output.url }}',
      }),
    ]);
  });
});
