import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import {
  genaiInsightsChecksExtensionPoint,
  type ComplianceCheck,
} from '@genai-portal/plugin-genai-insights-node';
import {
  checkContext,
  compliantEnvironment,
} from './__testUtils__/environment';
import { builtInChecks } from './checks';
import { genaiInsightsModulePolicyChecks } from './module';

/** The genai-insights plugin as far as the module sees it: the extension point. */
const recordingPlugin = (added: ComplianceCheck[]) =>
  createBackendPlugin({
    pluginId: 'genai-insights',
    register(reg) {
      reg.registerExtensionPoint(genaiInsightsChecksExtensionPoint, {
        addChecks: (...checks) => added.push(...checks),
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });

describe('genaiInsightsModulePolicyChecks', () => {
  it('adds the built-in checks through the extension point', async () => {
    const added: ComplianceCheck[] = [];
    const backend = await startTestBackend({
      features: [recordingPlugin(added), genaiInsightsModulePolicyChecks],
    });
    try {
      expect(added.map(c => c.id)).toEqual(builtInChecks.map(c => c.id));
    } finally {
      await backend.stop();
    }
  });

  it("admits the playground's configured gateway namespace", async () => {
    const added: ComplianceCheck[] = [];
    const backend = await startTestBackend({
      features: [
        recordingPlugin(added),
        genaiInsightsModulePolicyChecks,
        mockServices.rootConfig.factory({
          data: {
            genaiPlayground: {
              gatewayNamespace: 'ai-gateway',
              routerNamespaceSelector: {
                'network.openshift.io/policy-group': 'routers',
              },
            },
          },
        }),
      ],
    });
    try {
      const env = compliantEnvironment();
      const ingress = env.networkPolicies.flatMap(p => p.spec.ingress ?? []);
      ingress[1].from[0].namespaceSelector.matchLabels = {
        'network.openshift.io/policy-group': 'routers',
      };
      ingress[2].from[0].namespaceSelector.matchLabels = {
        'kubernetes.io/metadata.name': 'ai-gateway',
      };
      const check = added.find(c => c.id === 'network-ingress-allowed-only')!;
      await expect(
        Promise.resolve(check.evaluate(env, checkContext())),
      ).resolves.toEqual([]);
    } finally {
      await backend.stop();
    }
  });
});
