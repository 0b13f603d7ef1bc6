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
} from './inference';
import type { PlaygroundSettings } from './settings';

/**
 * The HTTP API of the genai-playground backend plugin, mounted at `/api/genai-playground`.
 * Every route needs a Backstage user or service token; errors are Backstage's error bodies
 * (`{ error: { name, message }, response: { statusCode } }`) with 400 naming the field, 403, 404,
 * 409, and 503 when the cluster is down.
 *
 * | method | path                               | body / query                  | answer                     |
 * | ------ | ---------------------------------- | ----------------------------- | -------------------------- |
 * | GET    | /settings                          |                               | PlaygroundSettings         |
 * | POST   | /environments                      | CreateEnvironmentRequest      | 201 Environment            |
 * | GET    | /environments                      | ?team=&owner=&gpuPool=        | { items: Environment[] }   |
 * | GET    | /environments/:id                  |                               | EnvironmentWithDetails     |
 * | GET    | /environments/:id/history          |                               | { items: EnvironmentEvent[] } |
 * | POST   | /environments/:id/extend           | ExtendEnvironmentRequest      | Environment                |
 * | DELETE | /environments/:id                  |                               | Environment (deleted)      |
 * | GET    | /quota/teams                       | ?team=                        | { items: TeamQuotaUsage[] } |
 * | GET    | /quota/pools                       |                               | { items: GpuPoolUsage[] }  |
 * | POST   | /jobs                              | SubmitJobRequest, Idempotency-Key header | 201 Job (200: the same key again) |
 * | GET    | /jobs                              | ?environment=&team=&owner=&status=&limit= | { items: Job[] } |
 * | GET    | /jobs/:jobId                       |                               | JobWithDetails             |
 * | GET    | /jobs/:jobId/logs                  | ?pod=&container=&tailLines=&follow= | text/plain (streamed with follow=true) |
 * | POST   | /jobs/:jobId/cancel                | CancelJobRequest              | Job                        |
 * | POST   | /environments/:id/keys             | CreateApiKeyRequest           | 201 CreatedApiKey (the secret, shown once) |
 * | GET    | /environments/:id/keys             |                               | { items: ApiKeyWithUsage[] } |
 * | DELETE | /environments/:id/keys/:keyId      |                               | ApiKey (revoked)           |
 * | POST   | /environments/:id/inference-services | DeployInferenceServiceRequest | 201 InferenceService     |
 * | GET    | /usage                             | UsageQuery                    | UsageReport                |
 * | GET    | /metrics                           |                               | Prometheus text; no identity needed |
 *
 * `:id` is the environment's namespace name. POST /environments is idempotent for the same
 * team and name while the environment is creating or failed: a retry finishes the job.
 *
 * API keys and inference (see ./inference.ts for the shapes): keys need the permissions
 * `genai-playground.apikey.create|read|revoke` on the environment (the portal's policy: its team,
 * its owner, admins). A key expires with its environment: `expiresAt` is the lease end, an extend
 * moves it, a delete revokes it. `GET /usage` (`?groupBy=team|key|model|day|environment&from=&to=
 * &team=&environment=&model=`, permission `genai-playground.inference.usage.read`) shows members
 * their teams' usage, admins and services everyone's.
 *
 * The inference gateway is OpenAI's API under `/api/genai-playground/v1` (the `openai` client
 * works with `baseURL` set to it). It answers errors in OpenAI's shape
 * `{ error: { message, type, param, code } }`, not Backstage's:
 *
 * | method | path                 | answer                                                                 |
 * | ------ | -------------------- | ---------------------------------------------------------------------- |
 * | GET    | /v1/models           | `{ object: 'list', data: InferenceModel[] }`, the models the caller may use |
 * | POST   | /v1/chat/completions | a chat completion, or SSE chunks with `stream: true`                   |
 * | POST   | /v1/completions      | a text completion, or SSE chunks                                       |
 * | POST   | /v1/embeddings       | an embeddings list                                                     |
 *
 * Callers: `Authorization: Bearer gpk-...` (an API key), or a Backstage user token (the
 * playground page through fetchApi; permission `genai-playground.inference.use`), optionally with
 * the header `x-genai-environment: <environment id>` to charge one of the user's environments
 * (otherwise the user's first team is charged). The usage chunk of a stream reaches the client
 * only when it asked (`stream_options.include_usage`). Statuses: 400 bad input, 401 missing,
 * unknown, revoked or expired key, 403 model outside the key's scope or environment of another
 * team, 404 unknown model, 413 body over the limit, 429 RPM, TPM or budget (with `Retry-After`),
 * 502/503/504 model server failures. Answers carry `x-genai-overhead-ms`, the time the gateway
 * itself added.
 * Jobs are described by the OpenAPI document of the `genai-jobs-api` entity (catalog-info.yaml).
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
