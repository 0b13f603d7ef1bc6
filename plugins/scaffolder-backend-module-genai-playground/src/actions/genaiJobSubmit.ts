import { AuthService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  GenaiPlaygroundApi,
  GPU_POOLS,
  GPUS_PER_NODE,
  jobPagePath,
  submitJobRequestSchema,
} from '@genai-portal/plugin-genai-playground-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './genaiJobSubmit.examples';

/** The backend plugin the action calls on behalf of the user who runs the template. */
const TARGET_PLUGIN_ID = 'genai-playground';

/** The action's id, as templates name it in `steps[].action`. @public */
export const GENAI_JOB_SUBMIT_ACTION_ID = 'genai:job:submit';

/** @public */
export interface GenaiJobSubmitActionOptions {
  /** The genai-playground backend, usually `GenaiPlaygroundClient` from the -node package. */
  client: GenaiPlaygroundApi;
  auth: AuthService;
}

/**
 * The environment id from what a template passes: the environment's catalog entity ref (as the
 * entity picker returns it: `resource:default/ml-research-llama`) or the id itself.
 * @public
 */
export function environmentIdOf(environment: string): string {
  if (!environment.includes(':') && !environment.includes('/')) {
    return environment;
  }
  let ref;
  try {
    ref = parseEntityRef(environment, {
      defaultKind: 'resource',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(`Invalid environment: ${(error as Error).message}`);
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'resource') {
    throw new InputError(
      `Invalid environment: ${environment} is not a playground environment (a Resource entity)`,
    );
  }
  return ref.name;
}

/**
 * Submits a blueprint GPU job (a Kubernetes Job) to a playground environment on behalf of the
 * user who runs the template. The backend checks the environment (it exists, is ready, belongs
 * to the user's team), the allowed registries, the maximum runtime and the quota; its 400, 403,
 * 409 and 503 answers surface as the step's error. A retried task submits with the same
 * idempotency key, so it never makes a second job.
 * @public
 */
export function createGenaiJobSubmitAction(
  options: GenaiJobSubmitActionOptions,
) {
  const { client, auth } = options;

  return createTemplateAction({
    id: GENAI_JOB_SUBMIT_ACTION_ID,
    description:
      'Submits a blueprint GPU job (fine-tuning, training, evaluation) to a GenAI playground environment, on behalf of the user who runs the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          environment: z
            .string()
            .describe(
              "The environment: its catalog entity (`resource:default/ml-research-llama`, as the entity picker returns it) or its id. It must be ready and belong to one of the user's teams.",
            ),
          name: z
            .string()
            .optional()
            .describe(
              "A display name, a DNS-1123 label of 2 to 40 characters; defaults to the image's name",
            ),
          image: z
            .string()
            .describe(
              'Container image, from a registry of genaiPlayground.jobs.allowedRegistries',
            ),
          command: z
            .array(z.string())
            .optional()
            .describe(
              'Entrypoint, as a list of strings: ["python", "train.py"]',
            ),
          args: z
            .array(z.string())
            .optional()
            .describe('Arguments, as a list of strings'),
          gpus: z
            .number()
            .int()
            .describe(
              `AMD Instinct GPUs (amd.com/gpu) per pod, 1-${GPUS_PER_NODE}; ${GPUS_PER_NODE} is a whole node`,
            ),
          pods: z
            .number()
            .int()
            .optional()
            .describe(
              'Pods running at once (default 1); more than one is an Indexed Job across nodes',
            ),
          cpu: z
            .number()
            .optional()
            .describe(
              'CPU cores per pod (default 8; limits are twice as much)',
            ),
          memoryGi: z
            .number()
            .int()
            .optional()
            .describe('Memory per pod in GiB (default 64)'),
          maxRuntimeHours: z
            .number()
            .optional()
            .describe(
              'The job is stopped after this many hours (activeDeadlineSeconds); at most the configured maximum',
            ),
          retries: z
            .number()
            .int()
            .optional()
            .describe(
              'Failed pods retried before the job fails (backoffLimit, default 0)',
            ),
          gpuPool: z
            .enum(GPU_POOLS)
            .optional()
            .describe("GPU pool (default mi300x); the environment's pool"),
          priorityClass: z
            .string()
            .optional()
            .describe(
              'A PriorityClass of genaiPlayground.jobs.priorityClasses',
            ),
          queue: z
            .string()
            .optional()
            .describe(
              'A Kueue LocalQueue of the environment; the Job starts suspended for Kueue',
            ),
          description: z.string().optional().describe('What the job is for'),
        }),
      output: z =>
        z.object({
          jobId: z.string().describe('Id of the job in the portal'),
          jobName: z
            .string()
            .describe('Name of the Kubernetes Job (metadata.name)'),
          namespace: z.string().describe('Namespace of the Job'),
          status: z
            .string()
            .describe(
              'Status when submitted: Pending (or Running, on a retry)',
            ),
          statusMessage: z
            .string()
            .optional()
            .describe(
              'What the pre-flight said: admitted, or "queued: waiting for N GPUs"',
            ),
          url: z.string().describe("Path of the job's page in the portal"),
        }),
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const environment = environmentIdOf(ctx.input.environment);
      const idempotencyKey = `scaffolder:${ctx.task.id}:${
        ctx.step?.id ?? GENAI_JOB_SUBMIT_ACTION_ID
      }`;
      const parsed = submitJobRequestSchema.safeParse({
        ...ctx.input,
        environment,
        idempotencyKey,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid ${issue.path.join('.') || 'input'}: ${issue.message}`,
        );
      }
      const request = parsed.data;

      if (ctx.isDryRun) {
        ctx.logger.info(
          `Dry run: would submit ${request.image} with ${request.pods} x ${request.gpus} GPUs to environment ${environment}`,
        );
        ctx.output('jobId', 'dry-run');
        ctx.output('jobName', 'dry-run');
        ctx.output('namespace', environment);
        ctx.output('status', 'Pending');
        ctx.output('url', jobPagePath('dry-run'));
        return;
      }

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: TARGET_PLUGIN_ID,
      });
      ctx.logger.info(
        `Submitting ${request.image} with ${request.pods} x ${request.gpus} GPUs to environment ${environment}`,
      );
      // The idempotency key makes a retry after a lost answer safe; the checkpoint spares the call.
      const job = await ctx.checkpoint({
        key: `genai-job-submit-${idempotencyKey}`,
        fn: async () => {
          const submitted = await client.submitJob(request, {
            token,
            idempotencyKey,
          });
          return {
            id: submitted.id,
            kubernetesName: submitted.kubernetesName,
            namespace: submitted.namespace,
            status: submitted.status,
            statusMessage: submitted.statusMessage ?? '',
          };
        },
      });

      ctx.logger.info(
        `Job ${job.id} (${job.namespace}/${job.kubernetesName}) is ${
          job.status
        }${job.statusMessage ? `: ${job.statusMessage}` : ''}`,
      );
      ctx.output('jobId', job.id);
      ctx.output('jobName', job.kubernetesName);
      ctx.output('namespace', job.namespace);
      ctx.output('status', job.status);
      if (job.statusMessage) ctx.output('statusMessage', job.statusMessage);
      ctx.output('url', jobPagePath(job.id));
    },
  });
}
