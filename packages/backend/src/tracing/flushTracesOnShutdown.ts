import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { diag, DiagLogLevel } from '@opentelemetry/api';

/**
 * Ends the tracing SDK when the backend stops, after every plugin has (root shutdown hooks run
 * last), so that the spans of calls finished during shutdown are exported too: the batch
 * processor holds spans for up to `OTEL_BSP_SCHEDULE_DELAY` ms, and the backend exits right
 * after its hooks. The SDK's own warnings (an unreachable collector) go to the backend's log.
 */
export function flushTracesOnShutdown(sdk: { shutdown(): Promise<void> }) {
  return createBackendPlugin({
    pluginId: 'tracing',
    register(env) {
      env.registerInit({
        deps: {
          lifecycle: coreServices.rootLifecycle,
          logger: coreServices.rootLogger,
        },
        async init({ lifecycle, logger }) {
          if (!process.env.OTEL_LOG_LEVEL) {
            const log = (level: 'error' | 'warn') => (message: string) =>
              logger[level](`OpenTelemetry: ${message}`);
            diag.setLogger(
              {
                error: log('error'),
                warn: log('warn'),
                info: () => {},
                debug: () => {},
                verbose: () => {},
              },
              DiagLogLevel.WARN,
            );
          }
          lifecycle.addShutdownHook(async () => {
            await sdk.shutdown();
          });
        },
      });
    },
  });
}
