import {
  AuthService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import {
  createEnvironmentRequestSchema,
  DATA_CLASSIFICATIONS,
  GenaiPlaygroundApi,
  GPU_POOLS,
  projectMonthlyCost,
  SECURITY_LEVELS,
} from '@genai-portal/plugin-genai-playground-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { examples } from './genaiEnvironmentCreate.examples';

/** The backend plugin the action calls on behalf of the user who runs the template. */
const TARGET_PLUGIN_ID = 'genai-playground';

/** The action's id, as templates name it in `steps[].action`. @public */
export const GENAI_ENVIRONMENT_CREATE_ACTION_ID = 'genai:environment:create';

/** The annotation of a group entity naming the team's default cost center. @public */
export const COST_CENTER_ANNOTATION = 'genai-playground.io/cost-center';

/** @public */
export interface GenaiEnvironmentCreateActionOptions {
  /** The genai-playground backend, usually `GenaiPlaygroundClient` from the -node package. */
  client: GenaiPlaygroundApi;
  auth: AuthService;
  /** Reads the team's default cost center when the template leaves it empty. */
  catalog: CatalogService;
}

/**
 * The page of an environment in the portal, relative to the app's base URL.
 * @public
 */
export function environmentPagePath(environmentId: string): string {
  return `/genai-playground/environments/${encodeURIComponent(environmentId)}`;
}

/**
 * The catalog entity the catalog module publishes for an environment.
 * @public
 */
export function environmentEntityRef(namespace: string): string {
  return `resource:default/${namespace}`;
}

function teamRef(team: string) {
  return parseEntityRef(team, {
    defaultKind: 'group',
    defaultNamespace: 'default',
  });
}

/**
 * Creates a GenAI playground environment: a namespace with a GPU quota, a lease and the team's
 * access, owned by a team. The backend checks the caller's membership of the team, the team's
 * caps and the lease maximum; its 400/403/409/503 answers surface as the step's error.
 * @public
 */
export function createGenaiEnvironmentCreateAction(
  options: GenaiEnvironmentCreateActionOptions,
) {
  const { client, auth, catalog } = options;

  /** The cost center the team's group entity names, so the form can leave it empty. */
  const teamCostCenter = async (
    team: string,
    credentials: BackstageCredentials,
  ): Promise<string> => {
    let ref;
    try {
      ref = stringifyEntityRef(teamRef(team));
    } catch (error) {
      throw new InputError(`Invalid team: ${(error as Error).message}`);
    }
    const group = await catalog.getEntityByRef(ref, { credentials });
    const costCenter = group?.metadata.annotations?.[COST_CENTER_ANNOTATION];
    if (!costCenter) {
      throw new InputError(
        `Invalid costCenter: none given, and team ${ref} has no ${COST_CENTER_ANNOTATION} annotation to default it from`,
      );
    }
    return costCenter;
  };

  return createTemplateAction({
    id: GENAI_ENVIRONMENT_CREATE_ACTION_ID,
    description:
      'Creates a GenAI playground environment (a namespace with a GPU quota and a lease) for a team, on behalf of the user who runs the template',
    examples,
    supportsDryRun: true,
    schema: {
      input: z =>
        z.object({
          name: z
            .string()
            .describe(
              'Environment name, a DNS-1123 label of at most 30 characters (lower-case letters, digits and "-"). The namespace is `<team>-<name>`.',
            ),
          team: z
            .string()
            .describe(
              'Owning team: a group entity ref as the OwnerPicker returns it (`group:default/ml-research`) or a group name. The user must be a member.',
            ),
          gpuPool: z
            .enum(GPU_POOLS)
            .describe(
              'GPU pool: `mi355x` (inference) or `mi300x` (blueprints: development, fine-tuning, training)',
            ),
          gpus: z
            .number()
            .int()
            .describe('GPUs (amd.com/gpu) the environment may request, 0-64'),
          cpu: z
            .number()
            .describe('CPU cores requested (limits are twice as much)'),
          memoryGi: z.number().int().describe('Memory in GiB'),
          storageGi: z
            .number()
            .int()
            .optional()
            .describe('Persistent storage in GiB (default 100)'),
          ttlHours: z
            .number()
            .int()
            .describe(
              'Lease in hours; the environment is deleted when it expires unless extended. At most the configured lease maximum.',
            ),
          costCenter: z
            .string()
            .optional()
            .describe(
              `Cost center charged for the environment, e.g. CC-2100. Defaults to the team's (the group's \`${COST_CENTER_ANNOTATION}\` annotation).`,
            ),
          monthlyBudget: z
            .number()
            .optional()
            .describe(
              "Monthly budget in the rate card's currency; alerts fire when the projected cost exceeds it",
            ),
          dataClassification: z
            .enum(DATA_CLASSIFICATIONS)
            .describe(
              'Most sensitive data the environment will hold: public, internal, confidential or restricted',
            ),
          securityLevel: z
            .enum(SECURITY_LEVELS)
            .describe(
              'Security level label the cluster policy requires: low, medium or high',
            ),
          description: z
            .string()
            .optional()
            .describe('What the environment is for'),
        }),
      output: z =>
        z.object({
          environmentId: z
            .string()
            .describe('Id of the environment (its namespace name)'),
          namespace: z.string().describe('Kubernetes namespace'),
          entityRef: z
            .string()
            .describe('Catalog entity of the environment (a Resource)'),
          url: z
            .string()
            .describe("Path of the environment's page in the portal"),
          expiresAt: z
            .string()
            .describe('When the lease ends (ISO time), unless extended'),
          projectedMonthlyCost: z
            .number()
            .optional()
            .describe(
              'Cost of holding the quota for a whole month, at the current rate card',
            ),
          currency: z
            .string()
            .optional()
            .describe('Currency of projectedMonthlyCost'),
        }),
    },
    async handler(ctx) {
      const credentials = await ctx.getInitiatorCredentials();
      const costCenter =
        ctx.input.costCenter ||
        (await teamCostCenter(ctx.input.team, credentials));
      const parsed = createEnvironmentRequestSchema.safeParse({
        ...ctx.input,
        costCenter,
      });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(
          `Invalid ${issue.path.join('.') || 'input'}: ${issue.message}`,
        );
      }
      const request = parsed.data;

      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: TARGET_PLUGIN_ID,
      });

      // The cost is informative: a settings outage must not fail the step.
      const outputCost = async (environmentId: string) => {
        try {
          const { rateCard } = await client.getSettings({ token });
          const cost = projectMonthlyCost(request, rateCard);
          ctx.output('projectedMonthlyCost', cost.total);
          ctx.output('currency', cost.currency);
        } catch (error) {
          ctx.logger.warn(
            `Could not price environment ${environmentId}: ${
              (error as Error).message
            }`,
          );
        }
      };

      if (ctx.isDryRun) {
        const namespace = `${teamRef(request.team).name}-${request.name}`;
        ctx.logger.info(
          `Dry run: would create environment ${namespace} on ${request.gpuPool} with ${request.gpus} GPUs`,
        );
        ctx.output('environmentId', namespace);
        ctx.output('namespace', namespace);
        ctx.output('entityRef', environmentEntityRef(namespace));
        ctx.output('url', environmentPagePath(namespace));
        ctx.output(
          'expiresAt',
          new Date(Date.now() + request.ttlHours * 3_600_000).toISOString(),
        );
        await outputCost(namespace);
        return;
      }

      ctx.logger.info(
        `Creating environment ${request.name} for ${request.team} on ${request.gpuPool} with ${request.gpus} GPUs`,
      );

      // A retried task (after a backend restart) finds the checkpoint and does not create again.
      const created = await ctx.checkpoint({
        key: `genai-environment-create-${request.team}-${request.name}`,
        fn: async () => {
          const environment = await client.createEnvironment(request, {
            token,
          });
          if (environment.status === 'failed') {
            // Not checkpointed: a retry asks the backend again, which finishes the job.
            throw new ServiceUnavailableError(
              `Environment ${environment.id} failed: ${
                environment.statusMessage ?? 'no reason given'
              }`,
            );
          }
          return {
            id: environment.id,
            namespace: environment.namespace,
            expiresAt: environment.expiresAt,
            status: environment.status,
          };
        },
      });

      ctx.logger.info(
        `Environment ${created.id} is ${created.status} in namespace ${created.namespace}, expires at ${created.expiresAt}`,
      );
      ctx.output('environmentId', created.id);
      ctx.output('namespace', created.namespace);
      ctx.output('entityRef', environmentEntityRef(created.namespace));
      ctx.output('url', environmentPagePath(created.id));
      ctx.output('expiresAt', created.expiresAt);

      await outputCost(created.id);
    },
  });
}
