import { ConfigReader } from '@backstage/config';
import { readPlaygroundConfig, limitsOf, toSettings } from './config';

const kubernetes = {
  clusterLocatorMethods: [
    {
      type: 'config',
      clusters: [
        {
          name: 'kube-sim',
          url: 'http://127.0.0.1:7070/',
          authProvider: 'serviceAccount',
          serviceAccountToken: 'tok',
        },
        {
          name: 'prod',
          url: 'https://api.example:6443',
          serviceAccountToken: 'tok2',
          caData: 'Q0E=',
          skipTLSVerify: false,
        },
      ],
    },
  ],
};

const read = (genaiPlayground: object, extra: object = {}) =>
  readPlaygroundConfig(
    new ConfigReader({ kubernetes, genaiPlayground, ...extra }),
  );

describe('readPlaygroundConfig', () => {
  it('reads a full section and the named cluster', () => {
    const config = read({
      cluster: 'prod',
      currency: 'EUR',
      rateCard: {
        gpuHour: { mi355x: 5, mi300x: 3 },
        cpuCoreHour: 0.05,
        memoryGiHour: 0.01,
        storageGiMonth: 0.1,
      },
      lease: { defaultTtlHours: 48, maxTtlHours: 240, notifyBeforeHours: 12 },
      teamLimits: {
        default: { gpus: 8, cpu: 64, memoryGi: 512, environments: 5 },
        'ml-research': {
          gpus: 32,
          cpu: 256,
          memoryGi: 2048,
          storageGi: 20000,
          environments: 20,
        },
        'team.with.dots': { gpus: 1, cpu: 2, memoryGi: 3, environments: 4 },
      },
      adminGroups: ['platform-team', 'group:default/admins'],
      routerNamespaceSelector: {
        'network.openshift.io/policy-group': 'ingress',
        'router-ns': 'yes',
      },
      gatewayNamespace: 'portal',
      egress: { internet: true, exceptCidrs: ['10.0.0.0/8'] },
      kubernetes: { requestTimeoutMs: 500, retries: 1, retryBaseDelayMs: 10 },
      quotaCacheSeconds: 3,
      database: { sqliteWriteAheadLog: false },
    });
    expect(config).toEqual({
      cluster: {
        name: 'prod',
        url: 'https://api.example:6443',
        serviceAccountToken: 'tok2',
        caData: 'Q0E=',
        skipTLSVerify: false,
      },
      rateCard: {
        currency: 'EUR',
        gpuHour: { mi355x: 5, mi300x: 3 },
        cpuCoreHour: 0.05,
        memoryGiHour: 0.01,
        storageGiMonth: 0.1,
      },
      lease: { defaultTtlHours: 48, maxTtlHours: 240, notifyBeforeHours: 12 },
      teamLimits: {
        'ml-research': {
          gpus: 32,
          cpu: 256,
          memoryGi: 2048,
          storageGi: 20000,
          environments: 20,
        },
        'team.with.dots': {
          gpus: 1,
          cpu: 2,
          memoryGi: 3,
          storageGi: 10240,
          environments: 4,
        },
      },
      defaultTeamLimits: {
        gpus: 8,
        cpu: 64,
        memoryGi: 512,
        storageGi: 10240,
        environments: 5,
      },
      adminGroups: ['group:default/platform-team', 'group:default/admins'],
      routerNamespaceSelector: {
        'network.openshift.io/policy-group': 'ingress',
        'router-ns': 'yes',
      },
      gatewayNamespace: 'portal',
      egress: { internet: true, exceptCidrs: ['10.0.0.0/8'] },
      kubernetes: { requestTimeoutMs: 500, retries: 1, retryBaseDelayMs: 10 },
      quotaCacheSeconds: 3,
      database: { sqliteWriteAheadLog: false },
    });
    expect(limitsOf(config, 'ml-research').gpus).toBe(32);
    expect(limitsOf(config, 'genai-apps').gpus).toBe(8);
    expect(toSettings(config)).toMatchObject({
      lease: { defaultTtlHours: 48, maxTtlHours: 240 },
      pools: [
        expect.objectContaining({ pool: 'mi355x' }),
        expect.objectContaining({ pool: 'mi300x' }),
      ],
      defaultTeamLimits: { gpus: 8 },
    });
  });

  it('provisions with its own token when it has one, apart from the Kubernetes plugin’s', () => {
    const config = read({
      cluster: 'kube-sim',
      serviceAccountToken: 'provisioner',
    });
    expect(config.cluster.serviceAccountToken).toBe('provisioner');
    expect(kubernetes.clusterLocatorMethods[0].clusters[0]).toMatchObject({
      name: 'kube-sim',
      serviceAccountToken: 'tok',
    });
  });

  it("reads the portal's access to environment namespaces, naming a bad value", () => {
    expect(
      read({
        cluster: 'kube-sim',
        portalAccess: {
          clusterRole: 'portal-environment',
          serviceAccount: 'genai-portal/portal',
        },
      }).portalAccess,
    ).toEqual({
      clusterRole: 'portal-environment',
      serviceAccount: { namespace: 'genai-portal', name: 'portal' },
    });
    expect(read({ cluster: 'kube-sim' }).portalAccess).toBeUndefined();
    expect(() =>
      read({
        cluster: 'kube-sim',
        portalAccess: {
          clusterRole: 'portal-environment',
          serviceAccount: 'portal',
        },
      }),
    ).toThrow('genaiPlayground.portalAccess.serviceAccount');
  });

  it('fills defaults around the cluster name', () => {
    const config = read({ cluster: 'kube-sim' });
    expect(config.cluster).toEqual({
      name: 'kube-sim',
      url: 'http://127.0.0.1:7070',
      serviceAccountToken: 'tok',
      caData: undefined,
      skipTLSVerify: false,
    });
    expect(config.lease).toEqual({
      defaultTtlHours: 72,
      maxTtlHours: 720,
      notifyBeforeHours: 24,
    });
    expect(config.rateCard.currency).toBe('USD');
    expect(config.rateCard.gpuHour).toEqual({ mi355x: 4.1, mi300x: 2.9 });
    expect(config.defaultTeamLimits).toEqual({
      gpus: 16,
      cpu: 128,
      memoryGi: 1024,
      storageGi: 10240,
      environments: 10,
    });
    expect(config.routerNamespaceSelector).toEqual({
      'network.openshift.io/policy-group': 'ingress',
    });
    expect(config.kubernetes).toEqual({
      requestTimeoutMs: 10000,
      retries: 3,
      retryBaseDelayMs: 250,
    });
    expect(config.quotaCacheSeconds).toBe(10);
    expect(config.database).toEqual({ sqliteWriteAheadLog: true });
    expect(config.egress).toEqual({
      internet: false,
      exceptCidrs: [
        '10.0.0.0/8',
        '172.16.0.0/12',
        '192.168.0.0/16',
        '100.64.0.0/10',
        '169.254.0.0/16',
      ],
    });
  });

  it.each([
    [{}, 'genaiPlayground.cluster: missing'],
    [
      { cluster: 'nope' },
      "genaiPlayground.cluster: no cluster named 'nope' in kubernetes.clusterLocatorMethods (type config); configured clusters: kube-sim, prod",
    ],
    [
      { cluster: 'kube-sim', lease: { maxTtlHours: 'long' } },
      'genaiPlayground.lease.maxTtlHours',
    ],
    [
      { cluster: 'kube-sim', lease: { defaultTtlHours: 100, maxTtlHours: 50 } },
      'genaiPlayground.lease.defaultTtlHours: 100 is above lease.maxTtlHours (50)',
    ],
    [
      { cluster: 'kube-sim', lease: { maxTtlHours: 0 } },
      'genaiPlayground.lease.maxTtlHours: must be a number of at least 1',
    ],
    [
      { cluster: 'kube-sim', rateCard: { gpuHour: { mi300x: -1 } } },
      'genaiPlayground.rateCard.gpuHour.mi300x',
    ],
    [
      {
        cluster: 'kube-sim',
        teamLimits: { 'ml-research': { gpus: 4, cpu: 8, memoryGi: 16 } },
      },
      'genaiPlayground.teamLimits.ml-research.environments: missing',
    ],
    [
      {
        cluster: 'kube-sim',
        teamLimits: {
          x: { gpus: 1.5, cpu: 8, memoryGi: 16, environments: 1 },
        },
      },
      'genaiPlayground.teamLimits.x.gpus: must be a whole number',
    ],
    [
      {
        cluster: 'kube-sim',
        teamLimits: {
          x: { gpus: 'many', cpu: 8, memoryGi: 16, environments: 1 },
        },
      },
      'genaiPlayground.teamLimits.x.gpus: must be a number of at least 0, got "many"',
    ],
    [
      {
        cluster: 'kube-sim',
        teamLimits: {
          x: { gpus: 1, cpu: 8, memoryGi: 16, storageGi: -1, environments: 1 },
        },
      },
      'genaiPlayground.teamLimits.x.storageGi: must be a number of at least 0, got -1',
    ],
    [
      { cluster: 'kube-sim', adminGroups: ['user:default/bob'] },
      'genaiPlayground.adminGroups[0]',
    ],
    [{ cluster: 'kube-sim', currency: 'dollars' }, 'genaiPlayground.currency'],
    [
      { cluster: 'kube-sim', routerNamespaceSelector: {} },
      'genaiPlayground.routerNamespaceSelector',
    ],
    [
      { cluster: 'kube-sim', routerNamespaceSelector: { a: 1 } },
      'genaiPlayground.routerNamespaceSelector: must map label keys to string values',
    ],
    [
      { cluster: 'kube-sim', kubernetes: { retries: 1.5 } },
      'genaiPlayground.kubernetes.retries',
    ],
    [
      {
        cluster: 'kube-sim',
        egress: { exceptCidrs: ['10.0.0.0/8', '10.1/33'] },
      },
      "genaiPlayground.egress.exceptCidrs[1]: must be an IPv4 CIDR such as 10.0.0.0/8, got '10.1/33'",
    ],
  ])('rejects %j naming the key', (section, message) => {
    expect(() => read(section)).toThrow(message);
  });

  it('names the cluster when it has no token', () => {
    expect(() =>
      readPlaygroundConfig(
        new ConfigReader({
          genaiPlayground: { cluster: 'c' },
          kubernetes: {
            clusterLocatorMethods: [
              { type: 'config', clusters: [{ name: 'c', url: 'https://c' }] },
            ],
          },
        }),
      ),
    ).toThrow(
      "Invalid config at genaiPlayground.cluster: cluster 'c' has no serviceAccountToken",
    );
  });
});
