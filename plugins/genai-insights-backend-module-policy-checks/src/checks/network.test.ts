import { evaluate, failedPaths } from '../__testUtils__/environment';
import { networkDefaultDenyCheck } from './networkDefaultDeny';
import { networkEgressLimitedCheck } from './networkEgressLimited';
import {
  createNetworkIngressAllowedOnlyCheck,
  networkIngressAllowedOnlyCheck,
} from './networkIngressAllowedOnly';

const byName = (env: any, name: string) =>
  env.networkPolicies.find((p: any) => p.metadata.name === name);

describe('network-default-deny', () => {
  const check = networkDefaultDenyCheck;

  it('fails without the default-deny policy', async () => {
    await expect(
      evaluate(check, env => {
        env.networkPolicies.splice(0, 1);
      }),
    ).resolves.toEqual([
      {
        kind: 'Namespace',
        name: 'ml-research-rag-eval',
        fieldPath: 'networkPolicies',
        message:
          'has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules) among 4 policies',
      },
    ]);
  });

  it.each([
    [
      'selecting only some pods',
      (p: any) => (p.spec.podSelector = { matchLabels: { app: 'x' } }),
    ],
    ['with an ingress rule', (p: any) => (p.spec.ingress = [{}])],
    ['for egress only', (p: any) => (p.spec.policyTypes = ['Egress'])],
  ])('fails with the deny policy %s', async (_what, change) => {
    await expect(
      failedPaths(check, env => change(byName(env, 'default-deny-ingress'))),
    ).resolves.toEqual(['Namespace/ml-research-rag-eval networkPolicies']);
  });

  it('accepts a deny policy without policyTypes (Ingress by default)', async () => {
    await expect(
      failedPaths(check, env => {
        delete byName(env, 'default-deny-ingress').spec.policyTypes;
      }),
    ).resolves.toEqual([]);
  });
});

describe('network-ingress-allowed-only', () => {
  const check = networkIngressAllowedOnlyCheck;

  it('fails a rule without sources', async () => {
    await expect(
      evaluate(check, env => {
        byName(env, 'allow-same-namespace').spec.ingress = [
          { ports: [{ port: 8000 }] },
        ];
      }),
    ).resolves.toEqual([
      {
        kind: 'NetworkPolicy',
        name: 'allow-same-namespace',
        fieldPath: 'spec.ingress[0].from',
        message: 'is missing: admits every source',
      },
    ]);
  });

  it('fails ipBlock sources and namespace selectors other than the router and the gateway', async () => {
    await expect(
      evaluate(check, env => {
        byName(env, 'allow-from-openshift-router').spec.ingress.push({
          from: [
            { podSelector: {} },
            { ipBlock: { cidr: '10.0.0.0/8' } },
            { namespaceSelector: {} },
            { namespaceSelector: { matchLabels: { team: 'genai-apps' } } },
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'other-team' },
              },
              podSelector: {},
            },
          ],
        });
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: 'spec.ingress[1].from[1].ipBlock',
        message: "admits the address block '10.0.0.0/8'",
      }),
      expect.objectContaining({
        fieldPath: 'spec.ingress[1].from[2].namespaceSelector',
        message: 'is {}: admits every namespace',
      }),
      expect.objectContaining({
        fieldPath: 'spec.ingress[1].from[3].namespaceSelector',
        message:
          'is {"matchLabels":{"team":"genai-apps"}}, neither the router\'s namespaces (network.openshift.io/policy-group=ingress) nor the gateway\'s (genai-portal)',
      }),
      expect.objectContaining({
        name: 'allow-from-openshift-router',
        fieldPath: 'spec.ingress[1].from[4].namespaceSelector',
      }),
    ]);
  });

  it("accepts the namespace's own name and the gateway by matchExpressions", async () => {
    await expect(
      failedPaths(check, env => {
        byName(env, 'allow-from-portal-gateway').spec.ingress[0].from = [
          {
            namespaceSelector: {
              matchExpressions: [
                {
                  key: 'kubernetes.io/metadata.name',
                  operator: 'In',
                  values: ['genai-portal', 'ml-research-rag-eval'],
                },
              ],
            },
          },
        ];
      }),
    ).resolves.toEqual([]);
  });

  it("accepts monitoring's namespaces everywhere, and the environments only into the gateway's", async () => {
    const admit = (selector: object) => (env: any) => {
      byName(env, 'allow-from-portal-gateway').spec.ingress[0].from = [
        { namespaceSelector: { matchLabels: selector } },
      ];
    };
    const monitoring = { 'network.openshift.io/policy-group': 'monitoring' };
    const environments = {
      'app.kubernetes.io/managed-by': 'genai-playground-portal',
    };
    await expect(failedPaths(check, admit(monitoring))).resolves.toEqual([]);
    // An environment admitting every other environment is not isolated.
    await expect(failedPaths(check, admit(environments))).resolves.toEqual([
      'NetworkPolicy/allow-from-portal-gateway spec.ingress[0].from[0].namespaceSelector',
    ]);
    const gateway = createNetworkIngressAllowedOnlyCheck({
      gatewayNamespaces: ['ml-research-rag-eval'],
    });
    await expect(failedPaths(gateway, admit(environments))).resolves.toEqual(
      [],
    );
  });

  it('lets a platform namespace admit the other platform namespaces, never an environment', async () => {
    const admitOperator = (env: any) => {
      byName(env, 'allow-from-portal-gateway').spec.ingress[0].from = [
        {
          namespaceSelector: {
            matchLabels: { 'kubernetes.io/metadata.name': 'cnpg-system' },
          },
        },
      ];
    };
    const trusting = (namespaces: string[]) =>
      createNetworkIngressAllowedOnlyCheck({ platformNamespaces: namespaces });
    // The fixture's namespace (an environment) is not in the list: the operator is refused.
    await expect(
      failedPaths(trusting(['cnpg-system', 'genai-data']), admitOperator),
    ).resolves.toEqual([
      'NetworkPolicy/allow-from-portal-gateway spec.ingress[0].from[0].namespaceSelector',
    ]);
    // Listed itself, it may admit the operator, and still no namespace that is not listed.
    await expect(
      failedPaths(
        trusting(['cnpg-system', 'ml-research-rag-eval']),
        admitOperator,
      ),
    ).resolves.toEqual([]);
    await expect(
      failedPaths(trusting(['ml-research-rag-eval']), admitOperator),
    ).resolves.toEqual([
      'NetworkPolicy/allow-from-portal-gateway spec.ingress[0].from[0].namespaceSelector',
    ]);

    // The API server calling an operator's webhook comes from the host network.
    const admitHostNetwork = (env: any) => {
      byName(env, 'allow-from-portal-gateway').spec.ingress[0].from = [
        {
          namespaceSelector: {
            matchLabels: {
              'policy-group.network.openshift.io/host-network': '',
            },
          },
        },
      ];
    };
    await expect(
      failedPaths(trusting(['ml-research-rag-eval']), admitHostNetwork),
    ).resolves.toEqual([]);
    await expect(failedPaths(trusting([]), admitHostNetwork)).resolves.toEqual([
      'NetworkPolicy/allow-from-portal-gateway spec.ingress[0].from[0].namespaceSelector',
    ]);
  });

  it('ignores egress-only policies', async () => {
    await expect(
      failedPaths(check, env => {
        byName(env, 'restrict-egress').spec.ingress = [{}];
      }),
    ).resolves.toEqual([]);
  });
});

describe('network-egress-limited', () => {
  const check = networkEgressLimitedCheck;

  it('fails without an Egress policy', async () => {
    await expect(
      evaluate(check, env => {
        env.networkPolicies.pop();
      }),
    ).resolves.toEqual([
      {
        kind: 'Namespace',
        name: 'ml-research-rag-eval',
        fieldPath: 'networkPolicies',
        message:
          'has no NetworkPolicy with policyTypes Egress among 4 policies',
      },
    ]);
  });

  it('fails an Egress policy selecting only some pods', async () => {
    await expect(
      evaluate(check, env => {
        byName(env, 'restrict-egress').spec.podSelector = {
          matchLabels: { app: 'x' },
        };
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: 'networkPolicies',
        message:
          'has no Egress NetworkPolicy selecting every pod (podSelector {})',
      }),
    ]);
  });

  it('fails an egress rule open to every destination on every port', async () => {
    await expect(
      evaluate(check, env => {
        byName(env, 'restrict-egress').spec.egress.push(
          {},
          { ports: [{ port: 443 }] },
        );
      }),
    ).resolves.toEqual([
      {
        kind: 'NetworkPolicy',
        name: 'restrict-egress',
        fieldPath: 'spec.egress[4].to',
        message:
          'is missing, and so are ports: allows every destination on every port',
      },
    ]);
  });
});
