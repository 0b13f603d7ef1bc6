import { createBackend } from '@backstage/backend-defaults';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { gatewayFastLane } from '@genai-portal/plugin-genai-playground-backend';
import { reusePluginTokensServiceFactory } from './auth/reusePluginTokens';
import { pluginCallLane } from './pluginCallLane';
import { preflight } from './preflight';
import { schedulerApiGuard } from './security/schedulerApiGuard';
import { reportStartupFailure } from './startupFailure';
import { withStartLock } from './startLock';
import { flushTracesOnShutdown } from './tracing/flushTracesOnShutdown';
import { startTracing } from './tracing/startTracing';

async function main() {
  // First, so that every span the plugins make (they use @opentelemetry/api only) is exported;
  // off unless OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_TRACES_EXPORTER is set.
  const tracing = startTracing(process.env);
  const config = await preflight();

  const backend = createBackend();
  if (tracing) backend.add(flushTracesOnShutdown(tracing));
  // Plugin-to-plugin tokens (each permission check sends one) are reused for a minute instead of
  // signed and verified per request; reusePluginTokens says what that does and does not relax.
  backend.add(reusePluginTokensServiceFactory);
  // Users are refused the scheduler's task API (schedulerApiGuard says why). The plugins'
  // permission checks and the inference gateway (/api/genai-playground/v1) skip the root
  // router's page-oriented middleware; pluginCallLane and gatewayFastLane say what they skip.
  backend.add(
    rootHttpRouterServiceFactory({
      configure: context => {
        context.app.use(schedulerApiGuard);
        pluginCallLane(context);
        gatewayFastLane(context);
      },
    }),
  );

  backend.add(import('@backstage/plugin-app-backend'));
  backend.add(import('@backstage/plugin-events-backend'));

  // Sign-in: guest in the embedded default, OpenShift's oauth2-proxy in production.
  backend.add(import('@backstage/plugin-auth-backend'));
  backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
  backend.add(
    import('@backstage/plugin-auth-backend-module-oauth2-proxy-provider'),
  );

  backend.add(import('@backstage/plugin-catalog-backend'));
  backend.add(
    import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
  );
  backend.add(import('@backstage/plugin-catalog-backend-module-logs'));
  // Playground environments as catalog Resources.
  backend.add(
    import('@genai-portal/plugin-catalog-backend-module-genai-playground'),
  );

  backend.add(import('@backstage/plugin-scaffolder-backend'));
  backend.add(
    import('@backstage/plugin-scaffolder-backend-module-notifications'),
  );
  // genai:environment:create for templates/playground-environment.
  backend.add(
    import('@genai-portal/plugin-scaffolder-backend-module-genai-playground'),
  );

  backend.add(import('@backstage/plugin-permission-backend'));
  // The portal's policy: deny by default; teams manage their environments, leads read them.
  backend.add(
    import('@genai-portal/plugin-permission-backend-module-genai-playground'),
  );

  backend.add(import('@backstage/plugin-search-backend'));
  backend.add(import('@backstage/plugin-search-backend-module-catalog'));

  backend.add(import('@backstage/plugin-kubernetes-backend'));
  // Users see the Kubernetes objects of their teams' environments only.
  backend.add(
    import('@genai-portal/plugin-kubernetes-backend-module-genai-playground'),
  );

  backend.add(import('@backstage/plugin-user-settings-backend'));
  backend.add(import('@backstage/plugin-notifications-backend'));
  backend.add(import('@backstage/plugin-signals-backend'));

  backend.add(import('@genai-portal/plugin-genai-playground-backend'));
  // The cost ledger, budgets and exports; who sees which team's costs is the policy's.
  backend.add(import('@genai-portal/plugin-genai-insights-backend'));
  backend.add(
    import('@genai-portal/plugin-genai-insights-backend-module-policy-checks'),
  );

  // Replicas starting together take turns, so that each plugin's migrations run once.
  await withStartLock(config, () => backend.start());
}

main().catch(reportStartupFailure);
