import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { startKubeSim, type KubeSim } from '@genai-portal/kube-sim';
import { createEnvironmentRequestSchema } from '@genai-portal/plugin-genai-playground-common';
import { GENAI_PLAYGROUND_ENVIRONMENT_TOPIC } from '@genai-portal/plugin-genai-playground-node';
import {
  closedPort,
  startFakeApiServer,
  status,
} from '../__testUtils__/fakeApiServer';
import {
  createRequest,
  createServices,
  fakeClock,
  LENA,
  MARCO,
  MEMBERSHIP,
  PRIYA,
  simApis,
  waitFor,
} from '../__testUtils__/harness';
import { DatabaseJobStore } from '../jobs/DatabaseJobStore';
import { namespaceManifest, resourceQuotaManifest } from './manifests';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });

const as = (user: string) => ({ credentials: mockCredentials.user(user) });
const request = (overrides: Record<string, unknown> = {}) =>
  createEnvironmentRequestSchema.parse(createRequest(overrides));

async function namespaceGone(apis: ReturnType<typeof simApis>, name: string) {
  return waitFor(async () => {
    try {
      await apis.core.readNamespace({ name });
      return false;
    } catch (e: any) {
      return e.code === 404;
    }
  });
}

let sim: KubeSim;
let apis: ReturnType<typeof simApis>;
let counter = 0;
/** Namespaces live on one sim for the whole file: each test uses fresh names. */
const unique = (base: string) => `${base}-${++counter}`;

beforeAll(async () => {
  sim = await startKubeSim({ port: 0, tickMs: 50, timeScale: 20 });
  apis = simApis(sim);
});
afterAll(() => sim.close());

describe.each(databases.eachSupportedId())(
  'EnvironmentService on %p',
  databaseId => {
    const services = async (
      options: Partial<Parameters<typeof createServices>[0]> = {},
    ) =>
      createServices({
        sim,
        knex: await databases.init(databaseId),
        ...options,
      });

    it('creates the namespace with its quota, limits, network policies and role binding', async () => {
      const s = await services();
      const name = unique('full');
      const env = await s.environments.create(request({ name }), as(MARCO));
      const ns = `ml-research-${name}`;
      expect(env).toMatchObject({
        id: ns,
        namespace: ns,
        name,
        team: 'group:default/ml-research',
        owner: MARCO,
        cluster: 'kube-sim',
        status: 'ready',
        currency: 'USD',
        quota: {
          gpus: 2,
          cpu: 8,
          memoryGi: 64,
          storageGi: 100,
          pods: 50,
          persistentVolumeClaims: 10,
        },
      });

      const namespace = await apis.core.readNamespace({ name: ns });
      expect(namespace.metadata?.labels).toMatchObject({
        'security-level': 'medium',
        'data-classification': 'internal',
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'genai-playground.io/environment': name,
        'genai-playground.io/team': 'ml-research',
        'genai-playground.io/owner': 'marco.rossi',
        'genai-playground.io/gpu-pool': 'mi300x',
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
        'pod-security.kubernetes.io/warn': 'restricted',
      });
      expect(namespace.metadata?.annotations).toMatchObject({
        'genai-playground.io/cost-center': 'CC-2100',
        'genai-playground.io/budget': '5000 USD',
        'genai-playground.io/expires-at': env.expiresAt,
        'openshift.io/requester': 'marco.rossi',
      });

      const quota = await apis.core.readNamespacedResourceQuota({
        namespace: ns,
        name: 'genai-playground-quota',
      });
      expect(quota.spec?.hard).toEqual({
        'requests.cpu': '8',
        'limits.cpu': '16',
        'requests.memory': '64Gi',
        'limits.memory': '128Gi',
        'requests.storage': '100Gi',
        persistentvolumeclaims: '10',
        pods: '50',
        'requests.amd.com/gpu': '2',
      });

      const limitRange = await apis.core.readNamespacedLimitRange({
        namespace: ns,
        name: 'genai-playground-limits',
      });
      expect(limitRange.spec?.limits).toEqual([
        {
          type: 'Container',
          _default: { cpu: '500m', memory: '1Gi' },
          defaultRequest: { cpu: '250m', memory: '512Mi' },
        },
      ]);

      const policies = await apis.networking.listNamespacedNetworkPolicy({
        namespace: ns,
      });
      const byName = Object.fromEntries(
        policies.items.map(p => [p.metadata?.name, p.spec]),
      );
      expect(Object.keys(byName).sort()).toEqual([
        'allow-from-openshift-router',
        'allow-from-portal-gateway',
        'allow-same-namespace',
        'default-deny-ingress',
        'restrict-egress',
      ]);
      expect(byName['default-deny-ingress']).toMatchObject({
        podSelector: {},
        policyTypes: ['Ingress'],
      });
      expect(byName['default-deny-ingress']?.ingress ?? []).toEqual([]);
      expect(byName['allow-same-namespace']?.ingress).toEqual([
        { _from: [{ podSelector: {} }] },
      ]);
      expect(byName['allow-from-openshift-router']?.ingress).toEqual([
        {
          _from: [
            {
              namespaceSelector: {
                matchLabels: { 'network.openshift.io/policy-group': 'ingress' },
              },
            },
          ],
        },
      ]);
      expect(byName['allow-from-portal-gateway']?.ingress).toEqual([
        {
          _from: [
            {
              namespaceSelector: {
                matchLabels: { 'kubernetes.io/metadata.name': 'genai-portal' },
              },
            },
          ],
        },
      ]);

      const binding = await apis.rbac.readNamespacedRoleBinding({
        namespace: ns,
        name: 'genai-playground-team-edit',
      });
      // Out: DNS, the gateway and the namespace itself; nothing else (internet is off by default).
      expect(byName['restrict-egress']).toMatchObject({
        podSelector: {},
        policyTypes: ['Egress'],
      });
      expect(
        byName['restrict-egress']?.egress?.map((r: { to?: unknown }) => r.to),
      ).toEqual([
        [
          {
            namespaceSelector: {
              matchExpressions: [
                {
                  key: 'kubernetes.io/metadata.name',
                  operator: 'In',
                  values: ['kube-system', 'openshift-dns'],
                },
              ],
            },
          },
        ],
        [
          {
            namespaceSelector: {
              matchExpressions: [
                {
                  key: 'kubernetes.io/metadata.name',
                  operator: 'In',
                  values: ['genai-portal'],
                },
              ],
            },
          },
        ],
        [{ podSelector: {} }],
      ]);

      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'edit',
      });
      expect(binding.subjects).toEqual([
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'Group',
          name: 'ml-research',
        },
      ]);

      expect(await s.environments.history(ns, as(MARCO))).toEqual([
        expect.objectContaining({
          environmentId: ns,
          action: 'create',
          actor: MARCO,
        }),
      ]);
      expect(s.events.publish).toHaveBeenCalledWith({
        topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
        eventPayload: { action: 'create', environment: env },
      });
    });

    it('shows live quota hard/used and the pods running in the environment', async () => {
      const s = await services({ config: { quotaCacheSeconds: 0 } });
      const name = unique('live');
      const env = await s.environments.create(
        request({ name, gpus: 4 }),
        as(MARCO),
      );
      await apis.core.createNamespacedPod({
        namespace: env.namespace,
        body: {
          metadata: { name: 'trainer' },
          spec: {
            nodeSelector: { 'gpu-type': 'mi300x' },
            tolerations: [
              { key: 'amd.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
            ],
            containers: [
              {
                name: 'main',
                image: 'rocm/pytorch:latest',
                resources: {
                  requests: { cpu: '2', memory: '8Gi', 'amd.com/gpu': '2' },
                  limits: { cpu: '4', memory: '16Gi', 'amd.com/gpu': '2' },
                },
              },
            ],
          },
        },
      });
      const details = await waitFor(async () => {
        const d = await s.environments.get(env.id, as(MARCO));
        return d.pods[0]?.phase === 'Running' &&
          d.quotaUsage?.used['requests.amd.com/gpu'] === '2'
          ? d
          : undefined;
      });
      expect(details.status).toBe('ready');
      expect(details.clusterError).toBeUndefined();
      expect(details.quotaUsage?.hard).toMatchObject({
        'requests.amd.com/gpu': '4',
        'requests.cpu': '8',
      });
      expect(details.quotaUsage?.used).toMatchObject({
        'requests.cpu': '2',
        'requests.memory': '8Gi',
      });
      expect(Date.parse(details.quotaUsage!.readAt)).not.toBeNaN();
      expect(details.pods).toEqual([
        expect.objectContaining({
          name: 'trainer',
          phase: 'Running',
          gpus: 2,
          node: expect.stringMatching(/^gpu-mi300x-/),
        }),
      ]);

      const pools = await s.quota.getPoolUsage({ fresh: true });
      const mi300x = pools.find(p => p.pool === 'mi300x')!;
      expect(mi300x).toMatchObject({
        productName: 'AMD_Instinct_MI300X',
        nodes: 2,
        allocatable: 16,
      });
      expect(mi300x.requested).toBeGreaterThanOrEqual(2);
      expect(mi300x.quotaCommitted).toBe(4);
      const [team] = await s.quota.getTeamQuotas(['group:default/ml-research']);
      expect(team).toMatchObject({
        team: 'group:default/ml-research',
        environments: 1,
        gpus: { hard: 4, used: 2, cap: 16 },
        cpu: { hard: 8, used: 2, cap: 128 },
        memoryGi: { hard: 64, used: 8, cap: 1024 },
      });
      await apis.core.deleteNamespacedPod({
        namespace: env.namespace,
        name: 'trainer',
      });
    });

    it('still returns the record, with clusterError, when the cluster is down', async () => {
      const knex = await databases.init(databaseId);
      const up = await createServices({ sim, knex });
      const env = await up.environments.create(
        request({ name: unique('down'), gpus: 0 }),
        as(MARCO),
      );
      const port = await closedPort();
      const down = await createServices({
        sim: { url: `http://127.0.0.1:${port}`, token: 't' },
        knex,
      });
      const started = Date.now();
      const details = await down.environments.get(env.id, as(MARCO));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(details).toMatchObject({ id: env.id, status: 'ready', pods: [] });
      expect(details.clusterError).toMatch(
        /^the cluster kube-sim is not reachable: .*ECONNREFUSED/,
      );
      // writes need the cluster: a clear 503, nothing changed
      await expect(
        down.environments.extend(env.id, { ttlHours: 10 }, as(MARCO)),
      ).rejects.toBeInstanceOf(ServiceUnavailableError);
      expect((await down.store.get(env.id))?.expiresAt).toBe(env.expiresAt);
      await expect(
        down.environments.create(
          request({ name: unique('down'), gpus: 1 }),
          as(MARCO),
        ),
      ).rejects.toThrow(/the cluster kube-sim is not reachable/);
    });

    it('extends the lease from now, up to the maximum, on the record and the namespace', async () => {
      const clock = fakeClock(new Date('2030-01-01T00:00:00Z'));
      const s = await services({ clock });
      const env = await s.environments.create(
        request({ name: unique('ext'), ttlHours: 24 }),
        as(MARCO),
      );
      expect(env.expiresAt).toBe('2030-01-02T00:00:00.000Z');
      clock.advanceHours(10);
      const extended = await s.environments.extend(
        env.id,
        { ttlHours: 48 },
        as(MARCO),
      );
      expect(extended.expiresAt).toBe('2030-01-03T10:00:00.000Z');
      const ns = await apis.core.readNamespace({ name: env.namespace });
      expect(ns.metadata?.annotations?.['genai-playground.io/expires-at']).toBe(
        '2030-01-03T10:00:00.000Z',
      );
      await expect(
        s.environments.extend(env.id, { ttlHours: 900 }, as(MARCO)),
      ).rejects.toThrow('ttlHours 900 is above the maximum lease of 720 hours');
      const history = await s.environments.history(env.id, as(MARCO));
      expect(history.map(h => h.action)).toEqual(['create', 'extend']);
      expect(history[1].details).toEqual({
        from: '2030-01-02T00:00:00.000Z',
        to: '2030-01-03T10:00:00.000Z',
        ttlHours: 48,
      });
      expect(s.events.publish).toHaveBeenLastCalledWith({
        topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
        eventPayload: { action: 'extend', environment: extended },
      });
    });

    it('deletes the namespace and its contents but keeps the record and its history', async () => {
      const s = await services();
      const env = await s.environments.create(
        request({ name: unique('del') }),
        as(MARCO),
      );
      await apis.core.createNamespacedConfigMap({
        namespace: env.namespace,
        body: { metadata: { name: 'notes' }, data: { a: 'b' } },
      });
      const deleted = await s.environments.delete(env.id, as(MARCO));
      expect(deleted).toMatchObject({ id: env.id, status: 'deleted' });
      expect(deleted.deletedAt).toBeDefined();
      await namespaceGone(apis, env.namespace);
      const configMaps = await apis.core.listNamespacedConfigMap({
        namespace: env.namespace,
      });
      expect(configMaps.items).toEqual([]);
      expect(
        (await s.environments.history(env.id, as(MARCO))).map(h => h.action),
      ).toEqual(['create', 'delete']);
      expect(await s.environments.list({}, as(MARCO))).toEqual([]);
      expect(
        await s.environments.list({ includeDeleted: true }, as(MARCO)),
      ).toEqual([deleted]);
      expect(await s.environments.get(env.id, as(MARCO))).toMatchObject({
        status: 'deleted',
        pods: [],
      });
      // deleting again changes nothing
      expect(await s.environments.delete(env.id, as(MARCO))).toEqual(deleted);
      expect(s.events.publish).toHaveBeenLastCalledWith({
        topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
        eventPayload: { action: 'delete', environment: deleted },
      });
    });

    it('lists with filters, and filters by conditional permission decisions', async () => {
      const s = await services();
      const a = await s.environments.create(
        request({ name: unique('la') }),
        as(MARCO),
      );
      const b = await s.environments.create(
        request({ name: unique('lb'), gpuPool: 'mi355x', gpus: 1 }),
        as(MARCO),
      );
      const c = await s.environments.create(
        request({ name: unique('lc'), team: 'genai-apps', gpus: 0 }),
        as(LENA),
      );
      const ids = async (q: object, who = PRIYA) =>
        (await s.environments.list(q, as(who))).map(e => e.id).sort();
      // The real policy: a member sees their team's, an admin every team's.
      expect(await ids({}, MARCO)).toEqual([a.id, b.id].sort());
      expect(await ids({ team: 'genai-apps' }, MARCO)).toEqual([]);
      expect(await ids({})).toEqual([a.id, b.id, c.id].sort());
      expect(await ids({ team: 'ml-research' })).toEqual([a.id, b.id].sort());
      expect(await ids({ team: 'group:default/genai-apps' })).toEqual([c.id]);
      expect(await ids({ owner: 'lena.fischer' })).toEqual([c.id]);
      expect(await ids({ owner: MARCO, gpuPool: 'mi355x' })).toEqual([b.id]);

      s.permissions.authorizeConditional.mockResolvedValue([
        {
          result: AuthorizeResult.CONDITIONAL,
          pluginId: 'genai-playground',
          resourceType: 'genai-playground-environment',
          conditions: {
            anyOf: [
              {
                rule: 'IS_IN_TEAM',
                resourceType: 'genai-playground-environment',
                params: { teams: ['group:default/genai-apps'] },
              },
              {
                rule: 'IS_OWNER',
                resourceType: 'genai-playground-environment',
                params: { owners: ['user:default/nobody'] },
              },
            ],
          },
        },
      ]);
      expect(await ids({})).toEqual([c.id]);
      s.permissions.authorizeConditional.mockResolvedValue([
        { result: AuthorizeResult.DENY },
      ]);
      await expect(ids({})).rejects.toThrow(
        'not allowed: genai-playground.environment.read',
      );
    });

    it('finishes a create that crashed half way (namespace and quota already made)', async () => {
      const s = await services();
      const name = unique('crash');
      const ns = `ml-research-${name}`;
      const req = request({ name, gpus: 3 });
      // What a process that died after two steps leaves: the record in status creating with a
      // lapsed lock, the namespace and the quota (with an older size).
      const now = new Date();
      const spec = {
        id: ns,
        name,
        team: 'group:default/ml-research',
        owner: MARCO,
        cluster: 'kube-sim',
        namespace: ns,
        gpuPool: 'mi300x' as const,
        quota: {
          gpus: 1,
          cpu: 8,
          memoryGi: 64,
          storageGi: 100,
          pods: 50,
          persistentVolumeClaims: 10,
        },
        costCenter: 'CC-2100',
        currency: 'USD',
        dataClassification: 'internal' as const,
        securityLevel: 'medium' as const,
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
      };
      await s.store.claimForCreate(spec, {
        lockToken: 'crashed',
        lockUntil: new Date(now.getTime() - 1000).toISOString(),
        now: new Date(now.getTime() - 60_000).toISOString(),
      });
      await apis.core.createNamespace({
        body: namespaceManifest(spec, s.config),
      });
      await apis.core.createNamespacedResourceQuota({
        namespace: ns,
        body: resourceQuotaManifest(spec),
      });

      const env = await s.environments.create(req, as(MARCO));
      expect(env.status).toBe('ready');
      const quota = await apis.core.readNamespacedResourceQuota({
        namespace: ns,
        name: 'genai-playground-quota',
      });
      expect(quota.spec?.hard?.['requests.amd.com/gpu']).toBe('3');
      const policies = await apis.networking.listNamespacedNetworkPolicy({
        namespace: ns,
      });
      expect(policies.items).toHaveLength(5);
      await apis.rbac.readNamespacedRoleBinding({
        namespace: ns,
        name: 'genai-playground-team-edit',
      });
    });

    it('rolls back when a step fails half way, and a retry then succeeds', async () => {
      let fail = true;
      const s = await services({
        beforeStep: kind => {
          if (fail && kind === 'NetworkPolicy')
            throw new Error('injected failure');
        },
      });
      const name = unique('roll');
      const ns = `ml-research-${name}`;
      await expect(
        s.environments.create(request({ name }), as(MARCO)),
      ).rejects.toThrow('injected failure');
      const record = await s.store.get(ns);
      expect(record).toMatchObject({
        status: 'failed',
        statusMessage: 'injected failure',
      });
      await namespaceGone(apis, ns);
      expect(
        (await s.environments.history(ns, as(MARCO))).map(h => h.action),
      ).toEqual(['fail']);
      expect(s.events.publish).not.toHaveBeenCalled();

      fail = false;
      const env = await s.environments.create(request({ name }), as(MARCO));
      expect(env.status).toBe('ready');
      expect(env.statusMessage).toBeUndefined();
      expect((await apis.core.readNamespace({ name: ns })).metadata?.name).toBe(
        ns,
      );
    });

    it('lets only one of two concurrent creates of the same environment create it', async () => {
      const s = await services();
      const name = unique('race');
      const results = await Promise.allSettled([
        s.environments.create(request({ name }), as(MARCO)),
        s.environments.create(request({ name }), as(MARCO)),
      ]);
      const fulfilled = results.filter(r => r.status === 'fulfilled');
      const rejected = results.filter(
        r => r.status === 'rejected',
      ) as PromiseRejectedResult[];
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(1);
      expect(rejected[0].reason).toBeInstanceOf(ConflictError);
      expect(rejected[0].reason.message).toMatch(
        /is being created by another request/,
      );
      const history = await s.environments.history(
        `ml-research-${name}`,
        as(MARCO),
      );
      expect(history.map(h => h.action)).toEqual(['create']);
      // once ready, the same create is a conflict, not a second environment
      await expect(
        s.environments.create(request({ name }), as(MARCO)),
      ).rejects.toThrow(/already exists \(status ready\)/);
    });

    it.each([
      [
        'environments',
        { environments: 2 },
        /^Invalid request: team ml-research may hold 2 environments; it holds \d+; a concurrent create/,
      ],
      [
        'GPUs',
        { gpus: 4 },
        /^Invalid request: gpus: team ml-research may hold 4 GPUs; it holds \d+ and this asks for 2: \d+ over; a concurrent create/,
      ],
      [
        'storage',
        { storageGi: 200 },
        /^Invalid request: storageGi: team ml-research may hold 200 GiB of storage; it holds \d+ and this asks for 100: \d+ over; a concurrent create/,
      ],
    ])(
      'keeps concurrent creates of different environments of a team inside its cap of %s',
      async (_cap, limits, message) => {
        const s = await services({
          config: {
            teamLimits: {
              'ml-research': {
                gpus: 16,
                cpu: 128,
                memoryGi: 1024,
                environments: 10,
                ...limits,
              },
            },
          },
        });
        const names = [1, 2, 3, 4, 5].map(() => unique('cap'));
        // Started together, they pass the early check before any of them has claimed: only the
        // check after the claim stops the ones over the cap.
        const results = await Promise.allSettled(
          names.map(name =>
            s.environments.create(request({ name, gpus: 2 }), as(MARCO)),
          ),
        );
        const won = names.filter((_, i) => results[i].status === 'fulfilled');
        const lost = names.filter((_, i) => results[i].status === 'rejected');
        expect(won).toHaveLength(2);
        for (const result of results) {
          if (result.status === 'fulfilled') continue;
          expect(result.reason).toBeInstanceOf(InputError);
          expect(result.reason.message).toMatch(message);
        }
        expect(
          (await s.store.list({ team: 'group:default/ml-research' }))
            .map(e => [e.name, e.status])
            .sort(),
        ).toEqual(won.map(name => [name, 'ready']).sort());
        for (const name of lost) {
          const ns = `ml-research-${name}`;
          expect(await s.store.get(ns)).toBeUndefined();
          expect(await s.store.listEvents(ns)).toEqual([]);
          await expect(
            apis.core.readNamespace({ name: ns }),
          ).rejects.toMatchObject({ code: 404 });
        }
        // once the winners hold the room, the early check refuses with its plain message
        const late = await s.environments
          .create(request({ name: unique('cap'), gpus: 2 }), as(MARCO))
          .catch(e => e);
        expect(late).toBeInstanceOf(InputError);
        expect(late.message).not.toMatch(/concurrent/);
      },
    );

    it('removes what a create that stopped half way made, and marks it failed, at the lease check', async () => {
      const clock = fakeClock(new Date('2030-05-01T00:00:00Z'));
      let stall: (() => void) | undefined;
      const stalled = new Promise<void>(resolve => {
        stall = resolve;
      });
      const s = await services({
        clock,
        // The backend "stops" after the namespace and its quota were made.
        beforeStep: kind => (kind === 'LimitRange' ? stalled : undefined),
      });
      const name = unique('stopped');
      const ns = `ml-research-${name}`;
      const create = s.environments
        .create(request({ name }), as(MARCO))
        .catch(e => e);
      await waitFor(async () =>
        apis.core
          .readNamespacedResourceQuota({
            namespace: ns,
            name: 'genai-playground-quota',
          })
          .catch(() => undefined),
      );
      // Within its lock the create may still finish: the lease check leaves it alone.
      await s.environments.runLeaseCheck();
      expect(await s.store.get(ns)).toMatchObject({ status: 'creating' });
      expect(
        (await apis.core.readNamespace({ name: ns })).metadata
          ?.deletionTimestamp,
      ).toBeUndefined();

      clock.advanceHours(1); // its lock lapsed long ago
      await s.environments.runLeaseCheck();
      expect(await s.store.get(ns)).toMatchObject({
        status: 'failed',
        statusMessage: expect.stringMatching(/did not finish/),
      });
      expect(await s.store.get(ns)).not.toHaveProperty('createLockUntil');
      await namespaceGone(apis, ns);
      expect(
        (await s.environments.history(ns, as(MARCO))).map(h => [
          h.action,
          h.actor,
        ]),
      ).toEqual([['fail', 'genai-playground:lease']]);
      // The team's room is free again.
      expect(
        (
          await s.store.list({
            team: 'group:default/ml-research',
            statuses: ['creating', 'ready', 'deleting'],
          })
        ).map(e => e.id),
      ).not.toContain(ns);

      // Should the stalled process wake up, its step fails (the namespace is gone) and, its
      // lock gone too, it touches nothing.
      stall!();
      expect(await create).toBeInstanceOf(Error);
      expect(await s.store.get(ns)).toMatchObject({ status: 'failed' });
      expect(
        (await s.environments.history(ns, as(MARCO))).map(h => h.action),
      ).toEqual(['fail']);
    });

    it('never deletes the namespace of a retry that took over its create after its lock lapsed', async () => {
      const clock = fakeClock(new Date('2030-05-02T00:00:00Z'));
      let resume: (() => void) | undefined;
      const paused = new Promise<void>(resolve => {
        resume = resolve;
      });
      let first = true;
      const s = await services({
        clock,
        beforeStep: kind => {
          if (kind !== 'LimitRange' || !first) return undefined;
          first = false;
          return paused; // the first create stalls here, holding namespace and quota
        },
      });
      const name = unique('overtaken');
      const ns = `ml-research-${name}`;
      const stalled = s.environments
        .create(request({ name }), as(MARCO))
        .catch(e => e);
      await waitFor(() => !first);
      clock.advanceHours(1); // the stalled create's lock lapses
      const retry = await s.environments.create(request({ name }), as(MARCO));
      expect(retry.status).toBe('ready');

      resume!();
      const error = await stalled;
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toMatch(/taken over/);
      // The winner's namespace and record stay as they are.
      await new Promise(r => setTimeout(r, 150));
      expect(
        (await apis.core.readNamespace({ name: ns })).metadata
          ?.deletionTimestamp,
      ).toBeUndefined();
      expect(await s.store.get(ns)).toMatchObject({ status: 'ready' });
      expect(
        (await s.environments.history(ns, as(MARCO))).map(h => h.action),
      ).toEqual(['create']);
    });

    it("keeps a namespace with the team that first held it, and refuses names that reach into another team's namespaces", async () => {
      const knex = await databases.init(databaseId);
      const s = await services({ knex, extraTeams: ['ml', 'ml-ops'] });
      // Team ml's research-x would be team ml-research's x: a clear 400 naming name.
      const into = await s.environments
        .create(request({ team: 'ml', name: unique('research-x') }), as(PRIYA))
        .catch(e => e);
      expect(into).toBeInstanceOf(InputError);
      expect(into.message).toMatch(
        /^Invalid request: name: 'research-x-\d+' would make the namespace ml-research-x-\d+, one of team ml-research's \(ml-research-<name>\); choose a name that does not start with 'research-'$/,
      );
      expect(await s.store.list({ team: 'group:default/ml' })).toEqual([]);

      // Team ml-ops holds (and deletes) ml-ops-x; later the group ml-ops is gone from the
      // catalog: the namespace, its history and its id still are not team ml's.
      const name = unique('x');
      const held = await s.environments.create(
        request({ team: 'ml-ops', name }),
        as(PRIYA),
      );
      await s.environments.delete(held.id, as(PRIYA));
      const later = await services({ knex, extraTeams: ['ml'] });
      const taken = await later.environments
        .create(request({ team: 'ml', name: `ops-${name}` }), as(PRIYA))
        .catch(e => e);
      expect(taken).toBeInstanceOf(InputError);
      expect(taken.message).toBe(
        `Invalid request: name: the namespace ml-ops-${name} (<team>-<name>) belongs to team group:default/ml-ops; choose another name`,
      );
      // The store holds the line too (a create that passed the check concurrently).
      const record = (await later.store.get(held.id))!;
      const claim = await later.store.claimForCreate(
        { ...record, name: `ops-${name}`, team: 'group:default/ml' },
        {
          lockToken: 'other',
          lockUntil: record.expiresAt,
          now: record.expiresAt,
        },
      );
      expect(claim.claimed).toBe(false);
      expect(await later.store.get(held.id)).toMatchObject({
        team: 'group:default/ml-ops',
        status: 'deleted',
      });
    });

    it('makes a name created again a new environment: the old keys, jobs and history are not its', async () => {
      const knex = await databases.init(databaseId);
      const s = await services({ knex });
      const jobs = await DatabaseJobStore.create({
        database: mockServices.database({ knex }),
      });
      const name = unique('again');
      const first = await s.environments.create(request({ name }), as(MARCO));
      await s.keys.insert({
        id: `key-${name}`,
        hash: `hash-${name}`,
        prefix: 'gpk-old',
        name: 'notebook',
        environmentId: first.id,
        team: first.team,
        models: [],
        rpm: 60,
        tpm: 1000,
        currency: 'USD',
        createdBy: MARCO,
        createdAt: first.createdAt,
      });
      const job = (id: string) => ({
        id,
        name: 'train',
        environmentId: first.id,
        namespace: first.namespace,
        cluster: 'kube-sim',
        team: first.team,
        owner: MARCO,
        costCenter: first.costCenter,
        gpuPool: 'mi300x' as const,
        kubernetesName: `bp-${id}`,
        image: 'registry.example.com/genai/trainer:1.0',
        env: [],
        gpus: 1,
        pods: 1,
        cpu: 4,
        memoryGi: 16,
        maxRuntimeHours: 1,
        retries: 0,
        status: 'Running' as const,
        submittedAt: new Date().toISOString(),
      });
      const at = new Date().toISOString();
      await jobs.insert(job(`old${counter}`), { at, status: 'Running' });
      // Deleted; the gateway, which would revoke the keys on the delete event, is not there.
      await s.environments.delete(first.id, as(MARCO));
      await namespaceGone(apis, first.namespace);

      const second = await s.environments.create(request({ name }), as(MARCO));
      expect(second.id).toBe(first.id);
      expect((await s.keys.get(`key-${name}`))?.revokedAt).toBeDefined();
      expect(
        (await jobs.list({ environmentId: second.id })).map(j => j.id),
      ).toEqual([]);
      expect(
        (await s.environments.history(second.id, as(MARCO))).map(h => h.action),
      ).toEqual(['create']);
      // What comes after is the new environment's.
      await jobs.insert(job(`new${counter}`), { at, status: 'Running' });
      expect(
        (await jobs.list({ environmentId: second.id })).map(j => j.id),
      ).toEqual([`new${counter}`]);
    });

    it("refuses a namespace that exists but is not the portal's, and leaves it alone", async () => {
      const s = await services();
      const name = unique('foreign');
      const ns = `ml-research-${name}`;
      await apis.core.createNamespace({
        body: { metadata: { name: ns, labels: { owner: 'someone' } } },
      });
      const error = await s.environments
        .create(request({ name }), as(MARCO))
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        `namespace ${ns} already exists on cluster kube-sim and is not managed by the portal for this environment`,
      );
      expect(await s.store.get(ns)).toMatchObject({ status: 'failed' });
      await new Promise(r => setTimeout(r, 150));
      const still = await apis.core.readNamespace({ name: ns });
      expect(still.metadata?.deletionTimestamp).toBeUndefined();
    });

    it("binds the portal's environment role to its ServiceAccount in the namespace, when configured", async () => {
      const s = await services({
        config: {
          portalAccess: {
            clusterRole: 'portal-environment',
            serviceAccount: 'genai-portal/portal',
          },
        },
      });
      const env = await s.environments.create(
        request({ name: unique('pa'), gpus: 0 }),
        as(MARCO),
      );
      const binding = await simApis(sim).rbac.readNamespacedRoleBinding({
        namespace: env.namespace,
        name: 'genai-playground-portal',
      });
      expect(binding.roleRef).toEqual({
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'portal-environment',
      });
      expect(binding.subjects).toEqual([
        { kind: 'ServiceAccount', name: 'portal', namespace: 'genai-portal' },
      ]);
      // Without the setting (kube-sim, dev) there is no such binding.
      const plain = await (
        await services()
      ).environments.create(
        request({ name: unique('pb'), gpus: 0 }),
        as(MARCO),
      );
      await expect(
        simApis(sim).rbac.readNamespacedRoleBinding({
          namespace: plain.namespace,
          name: 'genai-playground-portal',
        }),
      ).rejects.toThrow();
    });

    it('lets an admin create for any team, and refuses non-members', async () => {
      const s = await services();
      const env = await s.environments.create(
        request({ name: unique('adm'), team: 'genai-apps', gpus: 0 }),
        as(PRIYA),
      );
      expect(env).toMatchObject({
        team: 'group:default/genai-apps',
        owner: PRIYA,
      });
      await expect(
        s.environments.create(request({ name: unique('nm') }), as(LENA)),
      ).rejects.toThrow(
        'team: user:default/lena.fischer may not create environments for group:default/ml-research',
      );
    });

    it('takes every right in an environment from its creator once they leave the team', async () => {
      const s = await services();
      const env = await s.environments.create(
        request({ name: unique('left'), gpus: 0 }),
        as(MARCO),
      );
      const groups = MEMBERSHIP[MARCO];
      MEMBERSHIP[MARCO] = ['group:default/genai-apps'];
      try {
        await expect(s.environments.get(env.id, as(MARCO))).rejects.toThrow(
          NotAllowedError,
        );
        await expect(
          s.environments.extend(env.id, { ttlHours: 24 }, as(MARCO)),
        ).rejects.toThrow(NotAllowedError);
        await expect(s.environments.delete(env.id, as(MARCO))).rejects.toThrow(
          NotAllowedError,
        );
        expect(
          (await s.environments.list({}, as(MARCO))).map(e => e.id),
        ).not.toContain(env.id);
      } finally {
        MEMBERSHIP[MARCO] = groups;
      }
      // Back in the team, back in the environment.
      expect((await s.environments.get(env.id, as(MARCO))).id).toBe(env.id);
    });

    describe('leases', () => {
      it('notifies the owner once, a day before expiry, and deletes what expired', async () => {
        const clock = fakeClock(new Date('2030-02-01T00:00:00Z'));
        const s = await services({ clock });
        const env = await s.environments.create(
          request({ name: unique('lease'), ttlHours: 30 }),
          as(MARCO),
        );
        expect(await s.environments.runLeaseCheck()).toEqual({
          notified: [],
          expired: [],
        });
        clock.advanceHours(7); // 23 hours left
        expect(await s.environments.runLeaseCheck()).toEqual({
          notified: [env.id],
          expired: [],
        });
        expect(s.notifications.send).toHaveBeenCalledTimes(1);
        expect(s.notifications.send).toHaveBeenCalledWith({
          recipients: { type: 'entity', entityRef: MARCO },
          payload: expect.objectContaining({
            title: `Environment ${env.id} expires in about 23 hours`,
            link: `/genai-playground/environments/${env.id}`,
            severity: 'normal',
            topic: 'genai-playground-lease',
          }),
        });
        clock.advanceHours(1);
        expect(await s.environments.runLeaseCheck()).toEqual({
          notified: [],
          expired: [],
        });
        expect(s.notifications.send).toHaveBeenCalledTimes(1);

        clock.advanceHours(23); // past expiry
        expect(await s.environments.runLeaseCheck()).toEqual({
          notified: [],
          expired: [env.id],
        });
        expect(await s.store.get(env.id)).toMatchObject({ status: 'deleted' });
        await namespaceGone(apis, env.namespace);
        const history = await s.environments.history(env.id, as(MARCO));
        expect(history.map(h => [h.action, h.actor])).toEqual([
          ['create', MARCO],
          ['notify-expiry', 'genai-playground:lease'],
          ['expire', 'genai-playground:lease'],
        ]);
        expect(s.auditor.createEvent).toHaveBeenCalledWith(
          expect.objectContaining({
            eventId: 'environment-expire',
            severityLevel: 'medium',
          }),
        );
        expect(s.events.publish).toHaveBeenLastCalledWith({
          topic: GENAI_PLAYGROUND_ENVIRONMENT_TOPIC,
          eventPayload: {
            action: 'delete',
            environment: expect.objectContaining({
              id: env.id,
              status: 'deleted',
            }),
          },
        });
        expect(await s.environments.runLeaseCheck()).toEqual({
          notified: [],
          expired: [],
        });
      });

      it('never deletes an environment whose lease was extended after the lease task read it', async () => {
        const clock = fakeClock(new Date('2030-04-01T00:00:00Z'));
        const s = await services({ clock });
        const env = await s.environments.create(
          request({ name: unique('reprieve'), ttlHours: 10 }),
          as(MARCO),
        );
        clock.advanceHours(11); // expired
        const listExpired = s.store.listExpired.bind(s.store);
        jest.spyOn(s.store, 'listExpired').mockImplementation(async now => {
          const expired = await listExpired(now);
          expect(expired.map(e => e.id)).toContain(env.id);
          // The owner extends between the lease task's read and its delete.
          await s.environments.extend(env.id, { ttlHours: 48 }, as(MARCO));
          return expired;
        });
        expect((await s.environments.runLeaseCheck()).expired).toEqual([]);
        expect(await s.store.get(env.id)).toMatchObject({
          status: 'ready',
          expiresAt: new Date(
            clock.now().getTime() + 48 * 3_600_000,
          ).toISOString(),
        });
        expect(
          (await apis.core.readNamespace({ name: env.namespace })).metadata
            ?.deletionTimestamp,
        ).toBeUndefined();
        expect(
          (await s.environments.history(env.id, as(MARCO))).map(h => h.action),
        ).toEqual(['create', 'extend']);
      });

      it('refuses an extend once the lease task has claimed the environment for deletion', async () => {
        const clock = fakeClock(new Date('2030-04-02T00:00:00Z'));
        const s = await services({ clock });
        const env = await s.environments.create(
          request({ name: unique('doomed'), ttlHours: 10 }),
          as(MARCO),
        );
        clock.advanceHours(11);
        const read = (await s.store.get(env.id))!;
        expect(
          await s.store.claimExpired(read, clock.now().toISOString()),
        ).toBe(true);
        // A second claim of what was read (another lease run) finds it changed.
        expect(
          await s.store.claimExpired(read, clock.now().toISOString()),
        ).toBe(false);
        await expect(
          s.environments.extend(env.id, { ttlHours: 24 }, as(MARCO)),
        ).rejects.toThrow(ConflictError);
        // A claim the lease task did not finish (a crash) is finished by the next run.
        expect((await s.environments.runLeaseCheck()).expired).toEqual([
          env.id,
        ]);
        expect(await s.store.get(env.id)).toMatchObject({ status: 'deleted' });
        await namespaceGone(apis, env.namespace);
      });

      it('notifies again after an extension', async () => {
        const clock = fakeClock(new Date('2030-03-01T00:00:00Z'));
        const s = await services({ clock });
        const env = await s.environments.create(
          request({ name: unique('renew'), ttlHours: 10 }),
          as(MARCO),
        );
        expect((await s.environments.runLeaseCheck()).notified).toEqual([
          env.id,
        ]);
        await s.environments.extend(env.id, { ttlHours: 100 }, as(MARCO));
        expect((await s.environments.runLeaseCheck()).notified).toEqual([]);
        clock.advanceHours(80);
        expect((await s.environments.runLeaseCheck()).notified).toEqual([
          env.id,
        ]);
        expect(s.notifications.send).toHaveBeenCalledTimes(2);
      });
    });
  },
);

describe('EnvironmentService against a failing cluster', () => {
  const ns = 'ml-research-stub';
  const ours = {
    kind: 'Namespace',
    apiVersion: 'v1',
    metadata: {
      name: ns,
      labels: {
        'app.kubernetes.io/managed-by': 'genai-playground-portal',
        'genai-playground.io/environment': 'stub',
        'genai-playground.io/team': 'ml-research',
      },
    },
  };

  it.each([
    [
      '422 Invalid',
      {
        status: 422,
        body: status(
          422,
          'Invalid',
          'ResourceQuota "genai-playground-quota" is invalid',
        ),
      },
      InputError,
      'the cluster kube-sim refused to create ResourceQuota ml-research-stub/genai-playground-quota: ResourceQuota "genai-playground-quota" is invalid',
    ],
    [
      '500',
      {
        status: 500,
        body: status(500, 'InternalError', 'etcdserver: request timed out'),
      },
      ServiceUnavailableError,
      'the cluster kube-sim is not reachable: create ResourceQuota ml-research-stub/genai-playground-quota: HTTP 500: etcdserver: request timed out (after 3 attempts)',
    ],
  ])(
    'rolls back on a %s: namespace deleted, record failed, error returned',
    async (_what, quotaAnswer, ErrorClass, message) => {
      const fake = await startFakeApiServer(req => {
        if (req.method === 'POST' && req.url === '/api/v1/namespaces') {
          return { status: 201, body: ours };
        }
        if (req.url?.includes('/resourcequotas')) return quotaAnswer;
        if (req.method === 'GET' && req.url === `/api/v1/namespaces/${ns}`) {
          return { status: 200, body: ours };
        }
        if (req.method === 'DELETE') return { status: 200, body: ours };
        return { status: 404, body: status(404, 'NotFound', 'not found') };
      });
      try {
        const knex = await databases.init('SQLITE_3');
        const s = await createServices({
          sim: { url: fake.url, token: 't' },
          knex,
        });
        const error = await s.environments
          .create(request({ name: 'stub', gpus: 0 }), as(MARCO))
          .catch(e => e);
        expect(error).toBeInstanceOf(ErrorClass);
        expect(error.message).toBe(message);
        expect(fake.requests).toContainEqual({
          method: 'DELETE',
          url: `/api/v1/namespaces/${ns}`,
        });
        expect(await s.store.get(ns)).toMatchObject({
          status: 'failed',
          statusMessage: message,
        });
      } finally {
        await fake.close();
      }
    },
  );

  it('reports a 409 from the cluster as a conflict', async () => {
    const fake = await startFakeApiServer(req => {
      if (req.method === 'POST' && req.url === '/api/v1/namespaces') {
        return { status: 201, body: ours };
      }
      if (req.url?.includes('/resourcequotas')) {
        // AlreadyExists, then (on the read) gone again: someone else is changing it
        return req.method === 'POST'
          ? {
              status: 409,
              body: status(409, 'AlreadyExists', 'already exists'),
            }
          : {
              status: 200,
              body: { metadata: { name: 'genai-playground-quota' } },
            };
      }
      if (req.method === 'GET') return { status: 200, body: ours };
      return { status: 200, body: ours };
    });
    try {
      const knex = await databases.init('SQLITE_3');
      const s = await createServices({
        sim: { url: fake.url, token: 't' },
        knex,
      });
      const error = await s.environments
        .create(request({ name: 'stub', gpus: 0 }), as(MARCO))
        .catch(e => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.message).toBe(
        'ResourceQuota ml-research-stub/genai-playground-quota already exists on cluster kube-sim and is not managed by the portal',
      );
    } finally {
      await fake.close();
    }
  });

  it('denies a create the permission policy denies', async () => {
    const knex = await databases.init('SQLITE_3');
    const s = await createServices({
      sim,
      knex,
      permissions: mockServices.permissions.mock({
        authorizeConditional: async () => [{ result: AuthorizeResult.DENY }],
      }),
    });
    await expect(
      s.environments.create(request({ name: 'denied' }), as(MARCO)),
    ).rejects.toThrow('not allowed: genai-playground.environment.create');
  });
});
