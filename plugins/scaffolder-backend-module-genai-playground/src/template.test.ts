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
import { createEnvironmentRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { createGenaiEnvironmentCreateAction } from './actions/genaiEnvironmentCreate';
import { fakeCatalog, fakeClient } from './__testUtils__/fakes';

/** The templates folder at the root of the repository. */
const templatePath = path.resolve(
  __dirname,
  '../../../templates/playground-environment/template.yaml',
);

/** Form fields that only display something and are not sent to any action. */
const DISPLAY_ONLY_FIELDS = ['GenaiCostEstimate'];

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  'ui:field'?: string;
};

const template = yaml.parse(fs.readFileSync(templatePath, 'utf8')) as Entity & {
  spec: {
    parameters: JsonSchema[];
    steps: Array<{ id: string; action: string; input: Record<string, any> }>;
    output: { links: Array<Record<string, string>> };
  };
};

const actions = new Map(
  [
    createGenaiEnvironmentCreateAction({
      client: fakeClient(),
      auth: mockServices.auth(),
      catalog: fakeCatalog(),
    }),
  ].map(a => [a.id, a]),
);

const parameters: Record<string, JsonSchema> = Object.assign(
  {},
  ...template.spec.parameters.map(page => page.properties),
);
const sentParameters = Object.entries(parameters).filter(
  ([, schema]) => !DISPLAY_ONLY_FIELDS.includes(schema['ui:field'] ?? ''),
);

function inputSchemaOf(action: string) {
  return actions.get(action)!.schema!.input as JsonSchema;
}

/** The names a value's `${{ parameters.x }}` expressions refer to. */
function referencedParameters(value: unknown): string[] {
  return [
    ...JSON.stringify(value).matchAll(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g),
  ].map(m => m[1]);
}

describe('templates/playground-environment/template.yaml', () => {
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

  it('only uses actions of this module', () => {
    for (const step of template.spec.steps) {
      expect(actions.has(step.action)).toBe(true);
    }
  });

  it('gives every step only inputs its action declares, and all it requires', () => {
    for (const step of template.spec.steps) {
      const schema = inputSchemaOf(step.action);
      expect(Object.keys(schema.properties!)).toEqual(
        expect.arrayContaining(Object.keys(step.input)),
      );
      expect(Object.keys(step.input)).toEqual(
        expect.arrayContaining(schema.required ?? []),
      );
    }
  });

  it('sends every parameter to the action input of the same name, with the same type and values', () => {
    const step = template.spec.steps[0];
    const inputs = inputSchemaOf(step.action).properties!;
    const wiring = sentParameters.map(([name, parameter]) => {
      const input = inputs[name] ?? {};
      return {
        name,
        input: step.input[name],
        typeMatches:
          parameter.type === input.type ||
          (input.type === 'number' && parameter.type === 'integer'),
        enum: parameter.enum,
      };
    });
    expect(wiring).toEqual(
      sentParameters.map(([name]) => ({
        name,
        input: `\${{ parameters.${name} }}`,
        typeMatches: true,
        enum: inputs[name]?.enum,
      })),
    );
  });

  it('refers only to parameters the form has', () => {
    for (const name of referencedParameters(template.spec.steps)) {
      expect(Object.keys(parameters)).toContain(name);
    }
  });

  it('asks for everything the backend requires, or defaults it', () => {
    const required = template.spec.parameters.flatMap(p => p.required ?? []);
    const defaults = Object.fromEntries(
      Object.entries(parameters)
        .filter(([, p]) => p.default !== undefined)
        .map(([name, p]) => [name, p.default]),
    );
    const fromDefaults = createEnvironmentRequestSchema.safeParse({
      ...defaults,
      name: 'llama-finetune',
      team: 'group:default/ml-research',
      costCenter: 'CC-2100',
    });
    expect(fromDefaults.success).toBe(true);
    // costCenter is the one requirement of the backend the action may fill in from the team.
    const mandatory = Object.entries(createEnvironmentRequestSchema.shape)
      .filter(([, field]) => !field.safeParse(undefined).success)
      .map(([field]) => field)
      .filter(field => field !== 'costCenter');
    expect(required).toEqual(expect.arrayContaining(mandatory));
  });

  it('runs the step with a filled-in form and links to outputs the action sets', async () => {
    const client = fakeClient();
    const action = createGenaiEnvironmentCreateAction({
      client,
      auth: mockServices.auth(),
      catalog: fakeCatalog(),
    });
    const form: Record<string, unknown> = {
      team: 'group:default/ml-research',
      name: 'rag-eval',
      gpuPool: 'mi355x',
      gpus: 2,
      cpu: 8,
      memoryGi: 64,
      storageGi: 100,
      ttlHours: 72,
      dataClassification: 'internal',
      securityLevel: 'medium',
    };
    const step = template.spec.steps[0];
    // What the scaffolder's templating does with `${{ parameters.x }}`: the value, or nothing.
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

    await action.handler(ctx);

    expect(client.createEnvironment).toHaveBeenCalledWith(
      expect.objectContaining({ ...form, costCenter: 'CC-2100' }),
      expect.anything(),
    );
    const outputs = (action.schema!.output as JsonSchema).properties!;
    const used = [
      ...JSON.stringify(template.spec.output).matchAll(
        /steps\.create\.output\.(\w+)/g,
      ),
    ].map(m => m[1]);
    expect(used).toEqual(
      expect.arrayContaining(['url', 'entityRef', 'namespace']),
    );
    for (const name of used) {
      expect(Object.keys(outputs)).toContain(name);
      expect(ctx.output).toHaveBeenCalledWith(name, expect.any(String));
    }
    expect(template.spec.output.links).toEqual([
      expect.objectContaining({
        title: 'Open environment',
        url: '${{ steps.create.output.url }}',
      }),
      expect.objectContaining({
        entityRef: '${{ steps.create.output.entityRef }}',
      }),
    ]);
  });
});
