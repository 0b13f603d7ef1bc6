import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
  GenaiPlaygroundClient,
} from '@genai-portal/plugin-genai-playground-node';
import {
  GENAI_PLAYGROUND_PROVIDER_NAME,
  GenaiPlaygroundEntityProvider,
} from './providers/GenaiPlaygroundEntityProvider';

/**
 * Publishes the GenAI playground's environments as catalog Resources: every 5 minutes and at
 * start, and within seconds of a change announced on the `genai-playground.environment` topic.
 * @public
 */
export const catalogModuleGenaiPlayground = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'genai-playground',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        events: eventsServiceRef,
        config: coreServices.rootConfig,
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        logger: coreServices.logger,
        scheduler: coreServices.scheduler,
      },
      async init({
        catalog,
        events,
        config,
        discovery,
        auth,
        logger,
        scheduler,
      }) {
        const provider = new GenaiPlaygroundEntityProvider({
          client: new GenaiPlaygroundClient({ discovery }),
          auth,
          logger,
          appBaseUrl: config.getString('app.baseUrl'),
          taskRunner: scheduler.createScheduledTaskRunner({
            frequency: { minutes: 5 },
            timeout: { minutes: 3 },
            // Give the genai-playground plugin a moment to listen before the first run.
            initialDelay: { seconds: 10 },
          }),
        });
        catalog.addEntityProvider(provider);

        await events.subscribe({
          id: GENAI_PLAYGROUND_PROVIDER_NAME,
          topics: [GENAI_PLAYGROUND_ENVIRONMENT_TOPIC],
          async onEvent(params) {
            try {
              await provider.onEnvironmentEvent(params.eventPayload);
            } catch (error) {
              logger.warn(
                `Could not apply a genai-playground environment event to the catalog; the next scheduled refresh will: ${error}`,
              );
            }
          },
        });
      },
    });
  },
});
