import {
  AppsV1Api,
  AutoscalingV2Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  NetworkingV1Api,
  PatchStrategy,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
} from '@kubernetes/client-node';
import {
  createNamespace,
  failure,
  Harness,
  startHarness,
  waitFor,
} from '../testing/harness';

describe('Kubernetes REST API through @kubernetes/client-node', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createNamespace(h, 'api');
  });
  afterAll(() => h.sim.close());

  it('serves discovery and version', async () => {
    const res = await fetch(`${h.sim.url}/apis/batch/v1`, {
      headers: { Authorization: `Bearer ${h.sim.token}` },
    });
    const doc = await res.json();
    expect(doc.resources.map((r: any) => r.name)).toEqual(
      expect.arrayContaining(['jobs', 'jobs/status']),
    );
    const groups = await (
      await fetch(`${h.sim.url}/apis`, {
        headers: { Authorization: `Bearer ${h.sim.token}` },
      })
    ).json();
    expect(groups.groups.map((g: any) => g.name)).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'autoscaling',
        'policy',
        'networking.k8s.io',
        'rbac.authorization.k8s.io',
        'route.openshift.io',
        'events.k8s.io',
      ]),
    );
    const version = await (await fetch(`${h.sim.url}/version`)).json();
    expect(version.major).toBe('1');
  });

  it('rejects a missing or wrong token with 401 Unauthorized', async () => {
    const anonymous = await fetch(`${h.sim.url}/api/v1/namespaces`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({
      kind: 'Status',
      reason: 'Unauthorized',
      code: 401,
    });
    const wrong = await fetch(`${h.sim.url}/api/v1/namespaces`, {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(wrong.status).toBe(401);
    const kc = new KubeConfig();
    kc.loadFromString(h.sim.kubeconfig.replace(h.sim.token, 'wrong-token'));
    const err = await failure(kc.makeApiClient(CoreV1Api).listNamespace());
    expect(err.code).toBe(401);
  });

  it('does CRUD on ConfigMaps with server-set metadata', async () => {
    const created = await h.core.createNamespacedConfigMap({
      namespace: 'api',
      body: {
        metadata: { name: 'cm1', labels: { app: 'x' } },
        data: { a: '1' },
      },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await h.core.readNamespacedConfigMap({
      name: 'cm1',
      namespace: 'api',
    });
    expect(read.data).toEqual({ a: '1' });
    const same = await h.core.replaceNamespacedConfigMap({
      name: 'cm1',
      namespace: 'api',
      body: { ...read },
    });
    // A no-op update keeps the resourceVersion, as etcd is not written.
    expect(same.metadata?.resourceVersion).toBe(
      created.metadata?.resourceVersion,
    );
    read.data = { a: '2' };
    const replaced = await h.core.replaceNamespacedConfigMap({
      name: 'cm1',
      namespace: 'api',
      body: read,
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    const merged = await h.core.patchNamespacedConfigMap(
      { name: 'cm1', namespace: 'api', body: { data: { b: '3' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.data).toEqual({ a: '2', b: '3' });
    const jsonPatched = await h.core.patchNamespacedConfigMap({
      name: 'cm1',
      namespace: 'api',
      body: [{ op: 'remove', path: '/data/a' }],
    });
    expect(jsonPatched.data).toEqual({ b: '3' });
    const status = await h.core.deleteNamespacedConfigMap({
      name: 'cm1',
      namespace: 'api',
    });
    expect(status).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'cm1', kind: 'configmaps', uid: created.metadata?.uid },
    });
    const gone = await failure(
      h.core.readNamespacedConfigMap({ name: 'cm1', namespace: 'api' }),
    );
    expect(gone.code).toBe(404);
  });

  it('reports NotFound, AlreadyExists, Conflict and Invalid like the API server', async () => {
    const missing = await failure(
      h.batch.readNamespacedJob({ name: 'x', namespace: 'api' }),
    );
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'jobs.batch "x" not found',
      reason: 'NotFound',
      details: { name: 'x', group: 'batch', kind: 'jobs' },
      code: 404,
    });

    await h.core.createNamespacedSecret({
      namespace: 'api',
      body: { metadata: { name: 's1' }, stringData: { k: 'v' } },
    });
    const dup = await failure(
      h.core.createNamespacedSecret({
        namespace: 'api',
        body: { metadata: { name: 's1' } },
      }),
    );
    expect(dup.code).toBe(409);
    expect(dup.body).toMatchObject({
      reason: 'AlreadyExists',
      message: 'secrets "s1" already exists',
      details: { name: 's1', kind: 'secrets' },
    });

    const secret = await h.core.readNamespacedSecret({
      name: 's1',
      namespace: 'api',
    });
    expect(secret.data?.k).toBe(Buffer.from('v').toString('base64'));
    const stale = {
      ...secret,
      metadata: { ...secret.metadata, resourceVersion: '1' },
    };
    const conflict = await failure(
      h.core.replaceNamespacedSecret({
        name: 's1',
        namespace: 'api',
        body: stale,
      }),
    );
    expect(conflict.code).toBe(409);
    expect(conflict.body.reason).toBe('Conflict');
    expect(conflict.body.message).toBe(
      'Operation cannot be fulfilled on secrets "s1": the object has been modified; please apply your changes to the latest version and try again',
    );

    const invalid = await failure(
      h.batch.createNamespacedJob({
        namespace: 'api',
        body: {
          metadata: { name: 'bad' },
          spec: { template: { spec: { restartPolicy: 'Never' } } },
        } as any,
      }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.message).toBe(
      'Job.batch "bad" is invalid: spec.template.spec.containers: Required value',
    );
    expect(invalid.body.details.causes).toEqual([
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.template.spec.containers',
      },
    ]);

    const badName = await failure(
      h.core.createNamespacedConfigMap({
        namespace: 'api',
        body: { metadata: { name: 'Bad_Name' } },
      }),
    );
    expect(badName.code).toBe(422);
    expect(badName.body.details.causes[0].field).toBe('metadata.name');
    expect(badName.body.message).toContain('a lowercase RFC 1123 subdomain');

    const badQuantity = await failure(
      h.core.createNamespacedPod({
        namespace: 'api',
        body: {
          metadata: { name: 'p' },
          spec: {
            containers: [
              { name: 'c', image: 'i', resources: { limits: { cpu: 'lots' } } },
            ],
          },
        },
      }),
    );
    expect(badQuantity.code).toBe(422);
    expect(badQuantity.body.details.causes[0].field).toBe(
      'spec.containers[0].resources.limits[cpu]',
    );

    const noNs = await failure(
      h.core.createNamespacedConfigMap({
        namespace: 'nope',
        body: { metadata: { name: 'a' } },
      }),
    );
    expect(noNs.code).toBe(404);
    expect(noNs.body.message).toBe('namespaces "nope" not found');
  });

  it('lists with label and field selectors, limit and continue', async () => {
    for (let i = 0; i < 7; i++) {
      await h.core.createNamespacedConfigMap({
        namespace: 'api',
        body: {
          metadata: {
            name: `sel-${i}`,
            labels: {
              tier: i % 2 ? 'odd' : 'even',
              n: String(i),
              ...(i === 3 ? { special: 'yes' } : {}),
            },
          },
        },
      });
    }
    const names = (l: any) => l.items.map((o: any) => o.metadata.name);
    const list = (labelSelector?: string, fieldSelector?: string) =>
      h.core.listNamespacedConfigMap({
        namespace: 'api',
        labelSelector,
        fieldSelector,
      });
    expect(names(await list('tier=odd'))).toEqual(['sel-1', 'sel-3', 'sel-5']);
    expect(names(await list('tier==even,n!=0'))).toEqual([
      'sel-2',
      'sel-4',
      'sel-6',
    ]);
    expect(names(await list('n in (1,2)'))).toEqual(['sel-1', 'sel-2']);
    expect(names(await list('tier,n notin (0,1,2,3,4,5)'))).toEqual(['sel-6']);
    expect(names(await list('special'))).toEqual(['sel-3']);
    expect(names(await list('n,!special,tier=odd'))).toEqual([
      'sel-1',
      'sel-5',
    ]);
    expect(names(await list(undefined, 'metadata.name=sel-4'))).toEqual([
      'sel-4',
    ]);
    expect(names(await list('tier=odd', 'metadata.name!=sel-1'))).toEqual([
      'sel-3',
      'sel-5',
    ]);
    const bad = await failure(list(undefined, 'spec.foo=bar'));
    expect(bad.code).toBe(400);

    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    let rv: string | undefined;
    do {
      const page = await h.core.listNamespacedConfigMap({
        namespace: 'api',
        labelSelector: 'n',
        limit: 3,
        _continue: token,
      });
      rv ??= page.metadata?.resourceVersion;
      expect(page.metadata?.resourceVersion).toBe(rv);
      seen.push(...names(page));
      token = page.metadata?._continue;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual([
      'sel-0',
      'sel-1',
      'sel-2',
      'sel-3',
      'sel-4',
      'sel-5',
      'sel-6',
    ]);

    const first = await h.core.listNamespacedConfigMap({
      namespace: 'api',
      limit: 2,
    });
    expect(first.metadata?.remainingItemCount).toBeGreaterThan(0);
  });

  it('lists across namespaces and filters pods by status.phase and spec.nodeName', async () => {
    await createNamespace(h, 'api-2');
    await h.core.createNamespacedPod({
      namespace: 'api-2',
      body: {
        metadata: { name: 'server' },
        spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
      },
    });
    const running = await waitFor(async () => {
      const pods = await h.core.listPodForAllNamespaces({
        fieldSelector: 'status.phase=Running',
      });
      return pods.items.find(p => p.metadata?.name === 'server');
    }, 'the pod to run');
    expect(running.status?.podIP).toMatch(/^10\.\d+\.\d+\.\d+$/);
    const node = running.spec!.nodeName!;
    expect(node).toMatch(/^cpu-worker-/);
    const onNode = await h.core.listPodForAllNamespaces({
      fieldSelector: `spec.nodeName=${node}`,
    });
    expect(onNode.items.map(p => p.metadata?.name)).toContain('server');
    const all = await h.core.listConfigMapForAllNamespaces();
    expect(new Set(all.items.map(c => c.metadata?.namespace))).toEqual(
      new Set([
        'default',
        'kube-system',
        'kube-public',
        'kube-node-lease',
        'api',
        'api-2',
      ]),
    );
    expect(all.kind).toBe('ConfigMapList');
    // As from the real server, list items carry no kind/apiVersion; single objects do.
    const raw = await (
      await fetch(`${h.sim.url}/api/v1/namespaces/api-2/pods`, {
        headers: { Authorization: `Bearer ${h.sim.token}` },
      })
    ).json();
    expect(raw.items[0].kind).toBeUndefined();
    expect(raw.items[0].apiVersion).toBeUndefined();
    expect(Object.keys(raw.items[0])).toEqual(['metadata', 'spec', 'status']);
    const one = await (
      await fetch(`${h.sim.url}/api/v1/namespaces/api-2/pods/server`, {
        headers: { Authorization: `Bearer ${h.sim.token}` },
      })
    ).json();
    expect(Object.keys(one)).toEqual([
      'kind',
      'apiVersion',
      'metadata',
      'spec',
      'status',
    ]);
  });

  it('stores the portal kinds: services, routes, HPA, PDB, network policies, role bindings, limit ranges', async () => {
    const svc = await h.core.createNamespacedService({
      namespace: 'api',
      body: {
        metadata: { name: 'web' },
        spec: {
          selector: { app: 'web' },
          ports: [{ port: 80, targetPort: 8080 }],
        },
      },
    });
    expect(svc.spec?.clusterIP).toMatch(/^172\.30\./);
    expect(svc.spec?.type).toBe('ClusterIP');
    const route: any = await h.custom.createNamespacedCustomObject({
      group: 'route.openshift.io',
      version: 'v1',
      namespace: 'api',
      plural: 'routes',
      body: {
        apiVersion: 'route.openshift.io/v1',
        kind: 'Route',
        metadata: { name: 'web' },
        spec: {
          to: { kind: 'Service', name: 'web' },
          port: { targetPort: 8080 },
        },
      },
    });
    expect(route.spec.host).toBe('web-api.apps.kube-sim.local');
    expect(route.status.ingress[0]).toMatchObject({
      host: 'web-api.apps.kube-sim.local',
      conditions: [{ type: 'Admitted', status: 'True' }],
    });
    const routes: any = await h.custom.listNamespacedCustomObject({
      group: 'route.openshift.io',
      version: 'v1',
      namespace: 'api',
      plural: 'routes',
    });
    expect(routes.items).toHaveLength(1);
    const badRoute = await failure(
      h.custom.createNamespacedCustomObject({
        group: 'route.openshift.io',
        version: 'v1',
        namespace: 'api',
        plural: 'routes',
        body: {
          apiVersion: 'route.openshift.io/v1',
          kind: 'Route',
          metadata: { name: 'r2' },
          spec: {},
        },
      }),
    );
    expect(badRoute.code).toBe(422);
    const hpa = await h.kc
      .makeApiClient(AutoscalingV2Api)
      .createNamespacedHorizontalPodAutoscaler({
        namespace: 'api',
        body: {
          metadata: { name: 'web' },
          spec: {
            scaleTargetRef: {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'web',
            },
            minReplicas: 1,
            maxReplicas: 3,
            metrics: [
              {
                type: 'Resource',
                resource: {
                  name: 'cpu',
                  target: { type: 'Utilization', averageUtilization: 80 },
                },
              },
            ],
          },
        },
      });
    expect(hpa.spec?.maxReplicas).toBe(3);
    const pdb = await h.kc
      .makeApiClient(PolicyV1Api)
      .createNamespacedPodDisruptionBudget({
        namespace: 'api',
        body: {
          metadata: { name: 'web' },
          spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
        },
      });
    expect(pdb.metadata?.generation).toBe(1);
    const np = await h.kc
      .makeApiClient(NetworkingV1Api)
      .createNamespacedNetworkPolicy({
        namespace: 'api',
        body: {
          metadata: { name: 'deny' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      });
    expect(np.spec?.policyTypes).toEqual(['Ingress']);
    const rbac = h.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({
      namespace: 'api',
      body: {
        metadata: { name: 'edit' },
        roleRef: {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          name: 'edit',
        },
        subjects: [
          {
            kind: 'User',
            name: 'alice',
            apiGroup: 'rbac.authorization.k8s.io',
          },
        ],
      },
    });
    const rbBad = await failure(
      rbac.createNamespacedRoleBinding({
        namespace: 'api',
        body: { metadata: { name: 'x' } } as any,
      }),
    );
    expect(rbBad.code).toBe(422);
    const sa = await h.core.createNamespacedServiceAccount({
      namespace: 'api',
      body: { metadata: { name: 'runner' } },
    });
    expect(sa.metadata?.name).toBe('runner');
    const lr = await h.core.createNamespacedLimitRange({
      namespace: 'api',
      body: {
        metadata: { name: 'defaults' },
        spec: {
          limits: [
            { type: 'Container', _default: { cpu: '1', memory: '1Gi' } },
          ],
        },
      },
    });
    expect(lr.spec?.limits[0].defaultRequest).toEqual({
      cpu: '1',
      memory: '1Gi',
    });
    const pod = await h.core.createNamespacedPod({
      namespace: 'api',
      body: {
        metadata: { name: 'defaulted' },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'busybox:1.36',
              resources: { requests: { cpu: '250m' } },
            },
          ],
        },
      },
    });
    expect(pod.spec?.containers[0].resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      requests: { cpu: '250m', memory: '1Gi' },
    });
    expect(pod.metadata?.annotations?.['kubernetes.io/limit-ranger']).toBe(
      'LimitRanger plugin set: memory request for container c; cpu, memory limit for container c',
    );
  });

  it('supports strategic merge patch of containers and env by name, and dryRun', async () => {
    const apps = h.kc.makeApiClient(AppsV1Api);
    await apps.createNamespacedDeployment({
      namespace: 'api',
      body: {
        metadata: { name: 'smp' },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'smp' } },
          template: {
            metadata: { labels: { app: 'smp' } },
            spec: {
              containers: [
                {
                  name: 'a',
                  image: 'a:1',
                  env: [
                    { name: 'X', value: '1' },
                    { name: 'Y', value: '2' },
                  ],
                },
                { name: 'b', image: 'b:1' },
              ],
            },
          },
        },
      },
    });
    const patched = await apps.patchNamespacedDeployment(
      {
        name: 'smp',
        namespace: 'api',
        body: {
          spec: {
            template: {
              spec: {
                containers: [
                  { name: 'a', image: 'a:2', env: [{ name: 'Y', value: '3' }] },
                ],
              },
            },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    const containers = patched.spec!.template.spec!.containers;
    expect(containers.map(c => `${c.name}:${c.image}`)).toEqual([
      'a:a:2',
      'b:b:1',
    ]);
    expect(containers[0].env).toEqual([
      { name: 'X', value: '1' },
      { name: 'Y', value: '3' },
    ]);
    expect(patched.metadata?.generation).toBe(2);

    const dry = await h.core.createNamespacedConfigMap({
      namespace: 'api',
      dryRun: 'All',
      body: { metadata: { name: 'dry' } },
    });
    expect(dry.metadata?.name).toBe('dry');
    expect(
      (
        await failure(
          h.core.readNamespacedConfigMap({ name: 'dry', namespace: 'api' }),
        )
      ).code,
    ).toBe(404);
  });

  it("enforces quota on counts, cpu/memory and storage with the API server's messages", async () => {
    await createNamespace(h, 'quota-x', {
      'count/configmaps': '3',
      'requests.cpu': '1',
      'limits.memory': '1Gi',
      persistentvolumeclaims: '1',
      'requests.storage': '10Gi',
    });
    // kube-root-ca.crt already counts as one configmap.
    await h.core.createNamespacedConfigMap({
      namespace: 'quota-x',
      body: { metadata: { name: 'c1' } },
    });
    await h.core.createNamespacedConfigMap({
      namespace: 'quota-x',
      body: { metadata: { name: 'c2' } },
    });
    const cm = await failure(
      h.core.createNamespacedConfigMap({
        namespace: 'quota-x',
        body: { metadata: { name: 'c3' } },
      }),
    );
    expect(cm.code).toBe(403);
    expect(cm.body.message).toBe(
      'configmaps "c3" is forbidden: exceeded quota: quota, requested: count/configmaps=1, used: count/configmaps=3, limited: count/configmaps=3',
    );
    const unspecified = await failure(
      h.core.createNamespacedPod({
        namespace: 'quota-x',
        body: {
          metadata: { name: 'bare' },
          spec: { containers: [{ name: 'app', image: 'x:1' }] },
        },
      }),
    );
    expect(unspecified.body.message).toBe(
      'pods "bare" is forbidden: failed quota: quota: must specify limits.memory for: app; requests.cpu for: app',
    );
    const pod = (name: string, cpu: string) => ({
      metadata: { name },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'x:1',
            resources: { requests: { cpu }, limits: { memory: '512Mi' } },
          },
        ],
      },
    });
    await h.core.createNamespacedPod({
      namespace: 'quota-x',
      body: pod('p1', '600m'),
    });
    const cpu = await failure(
      h.core.createNamespacedPod({
        namespace: 'quota-x',
        body: pod('p2', '500m'),
      }),
    );
    expect(cpu.body.message).toBe(
      'pods "p2" is forbidden: exceeded quota: quota, requested: requests.cpu=500m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    const pvc = (name: string, size: string) => ({
      metadata: { name },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
      },
    });
    const big = await failure(
      h.core.createNamespacedPersistentVolumeClaim({
        namespace: 'quota-x',
        body: pvc('big', '20Gi'),
      }),
    );
    expect(big.body.message).toBe(
      'persistentvolumeclaims "big" is forbidden: exceeded quota: quota, requested: requests.storage=20Gi, used: requests.storage=0, limited: requests.storage=10Gi',
    );
    await h.core.createNamespacedPersistentVolumeClaim({
      namespace: 'quota-x',
      body: pvc('small', '5Gi'),
    });
    const second = await failure(
      h.core.createNamespacedPersistentVolumeClaim({
        namespace: 'quota-x',
        body: pvc('second', '1Gi'),
      }),
    );
    expect(second.body.message).toContain(
      'requested: persistentvolumeclaims=1, used: persistentvolumeclaims=1, limited: persistentvolumeclaims=1',
    );
    const status = await waitFor(async () => {
      const q = await h.core.readNamespacedResourceQuota({
        name: 'quota',
        namespace: 'quota-x',
      });
      return q.status?.used?.['requests.storage'] === '5Gi'
        ? q.status
        : undefined;
    }, 'quota status');
    expect(status.used).toEqual({
      'count/configmaps': '3',
      'requests.cpu': '600m',
      'limits.memory': '512Mi',
      persistentvolumeclaims: '1',
      'requests.storage': '5Gi',
    });
  });

  it('lists events through events.k8s.io/v1 too', async () => {
    const events = await waitFor(async () => {
      const list = await h.kc
        .makeApiClient(EventsV1Api)
        .listNamespacedEvent({ namespace: 'api-2' });
      return list.items.length ? list : undefined;
    }, 'events');
    expect(
      events.items.some(
        e => e.reason === 'Scheduled' && e.regarding?.name === 'server',
      ),
    ).toBe(true);
    const core = await h.core.listNamespacedEvent({
      namespace: 'api-2',
      fieldSelector: 'involvedObject.name=server,reason=Scheduled',
    });
    expect(core.items[0].message).toMatch(
      /^Successfully assigned api-2\/server to cpu-worker-\d$/,
    );
  });
});
