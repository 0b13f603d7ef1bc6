import {
  AuthService,
  LoggerService,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import type {
  Environment,
  GenaiPlaygroundApi,
} from '@genai-portal/plugin-genai-playground-common';
import type { EnvironmentChangeEventPayload } from '@genai-portal/plugin-genai-playground-node';
import { environmentToEntity, isLive } from './environmentEntity';

/** The provider's name: stable, since the catalog ties the entities it emitted to it. @public */
export const GENAI_PLAYGROUND_PROVIDER_NAME = 'genai-playground-environments';

const TARGET_PLUGIN_ID = 'genai-playground';

/** @public */
export interface GenaiPlaygroundEntityProviderOptions {
  client: GenaiPlaygroundApi;
  auth: AuthService;
  logger: LoggerService;
  /** Runs the full refresh on a schedule; without it, call `refresh()` yourself. */
  taskRunner?: SchedulerServiceTaskRunner;
  /** The app's base URL, for the entity's location and links to the environment's page. */
  appBaseUrl: string;
}

function isChangeEvent(
  payload: unknown,
): payload is EnvironmentChangeEventPayload {
  const p = payload as Partial<EnvironmentChangeEventPayload> | undefined;
  return (
    typeof p?.action === 'string' &&
    typeof p.environment?.namespace === 'string' &&
    typeof p.environment?.gpuPool === 'string' &&
    typeof p.environment?.team === 'string'
  );
}

/**
 * Publishes every live playground environment as a catalog `Resource`: a full mutation on a
 * schedule (and at start), and a delta as soon as the backend announces a change on the events
 * topic, so an environment shows up within seconds of its creation and leaves on delete.
 * @public
 */
export class GenaiPlaygroundEntityProvider implements EntityProvider {
  readonly #client: GenaiPlaygroundApi;
  readonly #auth: AuthService;
  readonly #logger: LoggerService;
  readonly #taskRunner?: SchedulerServiceTaskRunner;
  readonly #appBaseUrl: string;
  #connection?: EntityProviderConnection;
  /** Mutations run one after another, so a delta never lands under an older full snapshot. */
  #queue: Promise<unknown> = Promise.resolve();
  #hadFullRefresh = false;

  constructor(options: GenaiPlaygroundEntityProviderOptions) {
    this.#client = options.client;
    this.#auth = options.auth;
    this.#logger = options.logger.child({
      target: GENAI_PLAYGROUND_PROVIDER_NAME,
    });
    this.#taskRunner = options.taskRunner;
    this.#appBaseUrl = options.appBaseUrl;
  }

  getProviderName(): string {
    return GENAI_PLAYGROUND_PROVIDER_NAME;
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.#connection = connection;
    await this.#taskRunner?.run({
      id: `${GENAI_PLAYGROUND_PROVIDER_NAME}:refresh`,
      fn: () => this.refresh(),
    });
  }

  /** Replaces all entities of this provider with the environments the backend lists now. */
  refresh(): Promise<void> {
    return this.#serialized(async connection => {
      const { token } = await this.#auth.getPluginRequestToken({
        onBehalfOf: await this.#auth.getOwnServiceCredentials(),
        targetPluginId: TARGET_PLUGIN_ID,
      });
      const { items } = await this.#client.listEnvironments({}, { token });
      const entities = items.filter(isLive).map(e => this.#deferred(e));
      await connection.applyMutation({ type: 'full', entities });
      this.#hadFullRefresh = true;
      this.#logger.info(
        `Published ${entities.length} playground environments to the catalog`,
      );
    });
  }

  /** Applies one change the backend announced on the `genai-playground.environment` topic. */
  async onEnvironmentEvent(payload: unknown): Promise<void> {
    if (!isChangeEvent(payload)) {
      this.#logger.warn(
        'Unrecognised genai-playground environment event; refreshing all environments',
      );
      await this.refresh();
      return;
    }
    if (!this.#hadFullRefresh) {
      // Nothing published yet (the backend was not up at start): catch up on everything.
      await this.refresh();
      return;
    }
    const { action, environment } = payload;
    await this.#serialized(async connection => {
      const entity = this.#deferred(environment);
      if (action === 'delete' || !isLive(environment)) {
        await connection.applyMutation({
          type: 'delta',
          added: [],
          removed: [entity],
        });
      } else {
        await connection.applyMutation({
          type: 'delta',
          added: [entity],
          removed: [],
        });
      }
      this.#logger.info(
        `Environment ${environment.namespace} ${action}: catalog updated`,
      );
    });
  }

  #deferred(environment: Environment): DeferredEntity {
    return {
      entity: environmentToEntity(environment, {
        appBaseUrl: this.#appBaseUrl,
      }),
      locationKey: GENAI_PLAYGROUND_PROVIDER_NAME,
    };
  }

  #serialized(
    fn: (connection: EntityProviderConnection) => Promise<void>,
  ): Promise<void> {
    const connection = this.#connection;
    if (!connection) {
      return Promise.reject(
        new Error(`${GENAI_PLAYGROUND_PROVIDER_NAME} is not connected yet`),
      );
    }
    const run = this.#queue.then(() => fn(connection));
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
