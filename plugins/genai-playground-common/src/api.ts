import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  ExtendEnvironmentRequest,
  GpuPool,
} from './environment';
import type { EnvironmentDetails, GpuPoolUsage, TeamQuotaUsage } from './quota';
import type {
  CancelJobRequest,
  Job,
  JobLogsQuery,
  JobWithDetails,
  ListJobsQuery,
  SubmitJobRequest,
} from './jobs';
import type {
  ApiKey,
  ApiKeyWithUsage,
  CreateApiKeyRequest,
  CreatedApiKey,
  DeployInferenceServiceRequest,
  InferenceService,
  UsageQuery,
  UsageReport,
} from './inference';
import type { PlaygroundSettings } from './settings';

/**
 * The HTTP API of the genai-playground backend plugin, mounted at `/api/genai-playground`, as
 * one method per route. The routes, their parameters, limits, answers and errors are described
 * by the plugin's OpenAPI document, `plugins/genai-playground-backend/src/schema/openapi.yaml`
 * (the catalog's API entities show it); a test of the backend checks this client against it.
 * The inference gateway under `/v1` is OpenAI's API, for the `openai` client.
 * @public
 */
export interface GenaiPlaygroundApi {
  getSettings(options?: RequestOptions): Promise<PlaygroundSettings>;
  createEnvironment(
    request: CreateEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment>;
  listEnvironments(
    query?: ListEnvironmentsQuery,
    options?: RequestOptions,
  ): Promise<{ items: Environment[] }>;
  getEnvironment(
    id: string,
    options?: RequestOptions,
  ): Promise<EnvironmentWithDetails>;
  getEnvironmentHistory(
    id: string,
    options?: RequestOptions,
  ): Promise<{ items: EnvironmentEvent[] }>;
  extendEnvironment(
    id: string,
    request: ExtendEnvironmentRequest,
    options?: RequestOptions,
  ): Promise<Environment>;
  deleteEnvironment(id: string, options?: RequestOptions): Promise<Environment>;
  getTeamQuotas(
    query?: { team?: string },
    options?: RequestOptions,
  ): Promise<{ items: TeamQuotaUsage[] }>;
  getPoolUsage(options?: RequestOptions): Promise<{ items: GpuPoolUsage[] }>;
  /**
   * Submits a blueprint job. With an idempotency key (option or request field) the same key
   * again returns the job the first call made.
   */
  submitJob(
    request: SubmitJobRequest,
    options?: RequestOptions & { idempotencyKey?: string },
  ): Promise<Job>;
  listJobs(
    query?: ListJobsQuery,
    options?: RequestOptions,
  ): Promise<{ items: Job[] }>;
  getJob(id: string, options?: RequestOptions): Promise<JobWithDetails>;
  /** The logs of one pod of the job (the first by default), as text. */
  getJobLogs(
    id: string,
    query?: JobLogsQuery,
    options?: RequestOptions,
  ): Promise<string>;
  /**
   * Follows the logs of one pod of the job: yields chunks of text as the pod writes them, and
   * ends when the pod's container ends or `signal` aborts.
   */
  followJobLogs(
    id: string,
    query?: JobLogsQuery,
    options?: RequestOptions & { signal?: AbortSignal },
  ): AsyncIterable<string>;
  cancelJob(
    id: string,
    request?: CancelJobRequest,
    options?: RequestOptions,
  ): Promise<Job>;
  /** Issues a key; the answer carries the secret, which is never shown again. */
  createApiKey(
    environmentId: string,
    request: CreateApiKeyRequest,
    options?: RequestOptions,
  ): Promise<CreatedApiKey>;
  /** The environment's keys (never their secrets) with this month's usage. */
  listApiKeys(
    environmentId: string,
    options?: RequestOptions,
  ): Promise<{ items: ApiKeyWithUsage[] }>;
  /** Revokes a key; its calls are refused from then on. */
  revokeApiKey(
    environmentId: string,
    keyId: string,
    options?: RequestOptions,
  ): Promise<ApiKey>;
  /**
   * Deploys a vLLM model server into an environment of the MI355X pool (or updates the one of the
   * same name); the gateway then serves its model to the environment's team.
   */
  deployInferenceService(
    environmentId: string,
    request: DeployInferenceServiceRequest,
    options?: RequestOptions,
  ): Promise<InferenceService>;
  /**
   * Metered gateway calls, aggregated by team, key, model, environment or day, over the teams
   * the caller may read.
   */
  getUsage(query?: UsageQuery, options?: RequestOptions): Promise<UsageReport>;
}

/** @public */
export interface ListEnvironmentsQuery {
  team?: string;
  owner?: string;
  gpuPool?: GpuPool;
  includeDeleted?: boolean;
}

/** @public */
export type EnvironmentWithDetails = Environment & EnvironmentDetails;

/** Backend callers pass the token to act with (a user's, on whose behalf a module acts). @public */
export interface RequestOptions {
  token?: string;
}
