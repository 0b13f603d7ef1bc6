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

  const env = {
    name: 'demo',
    team: 'group:default/ml-research',
    namespace: 'ml-research-demo',
  } as any;
  const config = {
    routerNamespaceSelector: { 'router-ns': 'yes' },
    gatewayNamespace: 'portal',
    egress: { internet: false, exceptCidrs: ['10.0.0.0/8'] },
  };

  it('admits ingress from the configured router and gateway namespaces', () => {
    const policies = networkPolicyManifests(env, config).filter(p =>
      p.spec?.policyTypes?.includes('Ingress'),
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

  const named = (...names: string[]) => ({
    namespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'In', values: names },
      ],
    },
  });
  const dnsPorts = [
    { protocol: 'UDP', port: 53 },
    { protocol: 'TCP', port: 53 },
    { protocol: 'UDP', port: 5353 },
    { protocol: 'TCP', port: 5353 },
  ];

  it('lets pods out only to DNS, the gateway and their own namespace by default', () => {
    const egress = networkPolicyManifests(env, config).filter(p =>
      p.spec?.policyTypes?.includes('Egress'),
    );
    expect(egress).toHaveLength(1);
    expect(egress[0].metadata).toMatchObject({
      name: 'restrict-egress',
      namespace: 'ml-research-demo',
    });
    // Every pod of the namespace, and nothing else allowed: other teams' namespaces, the model
    // servers' namespaces and the internet are out of reach.
    expect(egress[0].spec).toEqual({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        { to: [named('kube-system', 'openshift-dns')], ports: dnsPorts },
        { to: [named('portal')] },
        { to: [{ podSelector: {} }] },
      ],
    });
  });

  it('lets pods out to the internet, never the excepted ranges, when configured', () => {
    const [egress] = networkPolicyManifests(env, {
      ...config,
      egress: { internet: true, exceptCidrs: ['10.0.0.0/8', '172.16.0.0/12'] },
    }).filter(p => p.spec?.policyTypes?.includes('Egress'));
    expect(egress.spec?.egress).toEqual([
      { to: [named('kube-system', 'openshift-dns')], ports: dnsPorts },
      { to: [named('portal')] },
      { to: [{ podSelector: {} }] },
      {
        to: [
          {
            ipBlock: {
              cidr: '0.0.0.0/0',
              except: ['10.0.0.0/8', '172.16.0.0/12'],
            },
          },
        ],
      },
    ]);
  });
});
