import { AuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  deployInferenceServiceRequestSchema,
  GenaiPlaygroundApi,
} from '@genai-portal/plugin-genai-playground-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './genaiInferenceDeploy.examples';

/** The backend plugin the action calls on behalf of the user who runs the template. */
const TARGET_PLUGIN_ID = 'genai-playground';

/** The action's id, as templates name it in `steps[].action`. @public */
export const GENAI_INFERENCE_DEPLOY_ACTION_ID = 'genai:inference:deploy';

/** @public */
export interface GenaiInferenceDeployActionOptions {
  /** The genai-playground backend, usually `GenaiPlaygroundClient` from the -node package. */
  client: Pick<GenaiPlaygroundApi, 'deployInferenceService'>;
  auth: AuthService;
}

/** Where the portal's OpenAI-compatible gateway lives, relative to the app's base URL. @public */
export const GATEWAY_PATH = '/api/genai-playground/v1';

/**
 * Deploys a vLLM (ROCm) model server into a playground environment of the MI355X pool:
 * Deployment, Service, OpenShift Route and HorizontalPodAutoscaler. The gateway then serves the
 * model to the environment's team under its name. A second run with the same name updates it.
 * @public
 */
export function createGenaiInferenceDeployAction(
  options: GenaiInferenceDeployActionOptions,
) {
  const { client, auth } = options;
  return createTemplateAction({
    id: GENAI_INFERENCE_DEPLOY_ACTION_ID,
    description:
      'Deploys a vLLM model server (ROCm, MI355X) into a GenAI playground environment, served through the portal’s inference gateway, on behalf of the user who runs the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          environment: z
            .string()
            .describe(
              'Id of the environment (its namespace name, `<team>-<name>`); it must be ready, on the mi355x pool, with quota for the replicas',
            ),
          name: z
            .string()
            .describe(
              'Model name clients use (`model` in API calls) and name of the Deployment, Service, Route and HPA: a DNS-1123 label, 2-40 characters',
            ),
          model: z
            .string()
            .describe(
              'Hugging Face model id vLLM loads, e.g. `meta-llama/Llama-3.1-8B-Instruct`',
            ),
          replicas: z
            .number()
            .int()
            .optional()
            .describe(
              'Replicas to start with (and the HPA minimum); default 1',
            ),
          maxReplicas: z
            .number()
            .int()
            .optional()
            .describe('Most replicas the HPA may scale to; default: replicas'),
          gpusPerReplica: z
            .number()
            .int()
            .optional()
            .describe(
              'GPUs (amd.com/gpu) per replica, tensor-parallel across them; default 1',
            ),
          kind: z
            .enum(['chat', 'embedding'])
            .optional()
            .describe('chat (default) or embedding'),
          maxModelLen: z
            .number()
            .int()
            .optional()
            .describe(
              "Context window (vLLM's --max-model-len); default: the model's",
            ),
        }),
      output: z =>
        z.object({
          modelName: z
            .string()
            .describe('The name to pass as `model` to the gateway'),
          namespace: z.string().describe('Namespace the model server runs in'),
          serviceUrl: z.string().describe('In-cluster URL of the model server'),
          routeHost: z
            .string()
            .optional()
            .describe(
              'Host of the OpenShift Route, when the cluster assigned one',
            ),
          gatewayPath: z
            .string()
            .describe(
              "Path of the portal's OpenAI-compatible gateway (the `openai` client's baseURL, under the portal's URL)",
            ),
          environmentUrl: z
            .string()
            .describe("Path of the environment's page in the portal"),
        }),
    },
    async handler(ctx) {
      const { environment, ...rest } = ctx.input;
      const parsed = deployInferenceServiceRequestSchema.safeParse(rest);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid ${issue.path.join('.') || 'input'}: ${issue.message}`,
        );
      }
      const request = parsed.data;
      const environmentUrl = `/genai-playground/environments/${encodeURIComponent(
        environment,
      )}`;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would deploy ${request.model} as ${request.name} into ${environment} with ${request.replicas} × ${request.gpusPerReplica} GPUs`,
        );
        ctx.output('modelName', request.name);
        ctx.output('namespace', environment);
        ctx.output(
          'serviceUrl',
          `http://${request.name}.${environment}.svc:8000`,
        );
        ctx.output('gatewayPath', GATEWAY_PATH);
        ctx.output('environmentUrl', environmentUrl);
        return;
      }

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: await ctx.getInitiatorCredentials(),
        targetPluginId: TARGET_PLUGIN_ID,
      });
      ctx.logger.info(
        `Deploying ${request.model} as ${request.name} into ${environment}: ${request.replicas} replicas × ${request.gpusPerReplica} GPUs`,
      );
      // A retried task does not deploy again (a deploy is an update in place anyway).
      const service = await ctx.checkpoint({
        key: `genai-inference-deploy-${environment}-${request.name}`,
        fn: async () => {
          const s = await client.deployInferenceService(environment, request, {
            token,
          });
          return {
            name: s.name,
            namespace: s.namespace,
            serviceUrl: s.serviceUrl,
            routeHost: s.routeHost ?? '',
            objects: s.objects.map(o => `${o.kind}/${o.name}`).join(', '),
          };
        },
      });
      ctx.logger.info(
        `Made ${service.objects} in ${service.namespace}; the gateway serves it as '${service.name}'`,
      );
      ctx.output('modelName', service.name);
      ctx.output('namespace', service.namespace);
      ctx.output('serviceUrl', service.serviceUrl);
      if (service.routeHost) ctx.output('routeHost', service.routeHost);
      ctx.output('gatewayPath', GATEWAY_PATH);
      ctx.output('environmentUrl', environmentUrl);
    },
  });
}
