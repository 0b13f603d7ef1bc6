import { cpuQuantity, labelValue, networkPolicyManifests } from './manifests';

describe('manifests', () => {
  it('writes CPU amounts as Kubernetes does', () => {
    expect(cpuQuantity(8)).toBe('8');
    expect(cpuQuantity(0.5)).toBe('500m');
    expect(cpuQuantity(1.25)).toBe('1250m');
  });

  it('makes valid label values of user names', () => {
    expect(labelValue('marco.rossi')).toBe('marco.rossi');
    expect(labelValue('jane@example.com')).toBe('jane-example.com');
    expect(labelValue('-x-')).toBe('x');
    expect(labelValue('a'.repeat(70))).toHaveLength(63);
  });

  it('admits ingress from the configured router and gateway namespaces', () => {
    const policies = networkPolicyManifests(
      {
        name: 'demo',
        team: 'group:default/ml-research',
        namespace: 'ml-research-demo',
      } as any,
      {
        routerNamespaceSelector: { 'router-ns': 'yes' },
        gatewayNamespace: 'portal',
      },
    );
    expect(policies.map(p => p.spec?.ingress?.[0]?._from?.[0])).toEqual([
      undefined,
      { podSelector: {} },
      { namespaceSelector: { matchLabels: { 'router-ns': 'yes' } } },
      {
        namespaceSelector: {
          matchLabels: { 'kubernetes.io/metadata.name': 'portal' },
        },
      },
    ]);
  });
});
