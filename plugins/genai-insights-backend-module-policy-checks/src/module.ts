import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { genaiInsightsChecksExtensionPoint } from '@genai-portal/plugin-genai-insights-node';
import { createBuiltInChecks } from './checks';

/**
 * Adds the built-in compliance checks to genai-insights. The ingress check admits the gateway's
 * namespace and the router's label the playground's network policies use
 * (`genaiPlayground.gatewayNamespace`, `genaiPlayground.routerNamespaceSelector`; defaults
 * `genai-portal` and `network.openshift.io/policy-group: ingress`), and lets the platform's own
 * namespaces (`genaiInsights.compliance.platformNamespaces`) admit one another.
 * @public
 */
export const genaiInsightsModulePolicyChecks = createBackendModule({
  pluginId: 'genai-insights',
  moduleId: 'policy-checks',
  register(reg) {
    reg.registerInit({
      deps: {
        checks: genaiInsightsChecksExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ checks, config }) {
        const gatewayNamespace = config.getOptionalString(
          'genaiPlayground.gatewayNamespace',
        );
        // Label names hold dots (`network.openshift.io/policy-group`): read as an object, not
        // through Config's dotted keys.
        const router = config.getOptional<Record<string, unknown>>(
          'genaiPlayground.routerNamespaceSelector',
        );
        const platformNamespaces = config.getOptionalStringArray(
          'genaiInsights.compliance.platformNamespaces',
        );
        checks.addChecks(
          ...createBuiltInChecks({
            platformNamespaces,
            gatewayNamespaces: gatewayNamespace
              ? [gatewayNamespace]
              : undefined,
            routerNamespaceSelector: router
              ? Object.fromEntries(
                  Object.entries(router).map(([key, value]) => [
                    key,
                    String(value),
                  ]),
                )
              : undefined,
          }),
        );
      },
    });
  },
});
