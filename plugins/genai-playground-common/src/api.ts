import type {
  CreateEnvironmentRequest,
  Environment,
  EnvironmentEvent,
  ExtendEnvironmentRequest,
  GpuPool,
} from './environment';
import type {
  EnvironmentDetails,
  GpuPoolUsage,
  TeamQuotaUsage,
} from './quota';
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
 *
 * `:id` is the environment's namespace name. POST /environments is idempotent for the same
 * team and name while the environment is creating or failed: a retry finishes the job.
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
