import { PolicyV1Api } from '@kubernetes/client-node';
import {
  createNamespace,
  failure,
  Harness,
  startHarness,
  waitFor,
} from '../testing/harness';

describe('namespaces and deployments', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sim.close());

  it('keeps a Deployment at its replicas through a ReplicaSet, with Available status', async () => {
    await createNamespace(h, 'web');
    await h.apps.createNamespacedDeployment({
      namespace: 'web',
      body: {
        metadata: { name: 'api' },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: {
              containers: [{ name: 'api', image: 'genai/api:2' }],
            },
          },
        },
      },
    });
    const deployment = await waitFor(async () => {
      const d = await h.apps.readNamespacedDeployment({
        name: 'api',
        namespace: 'web',
      });
      return d.status?.availableReplicas === 3 ? d : undefined;
    }, 'three available replicas');
    expect(deployment.status).toMatchObject({
      replicas: 3,
      readyReplicas: 3,
      updatedReplicas: 3,
      observedGeneration: 1,
    });
    expect(
      deployment.status?.conditions?.find(c => c.type === 'Available'),
    ).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    const pods = await h.core.listNamespacedPod({
      namespace: 'web',
      labelSelector: 'app=api',
    });
    expect(pods.items).toHaveLength(3);
    for (const p of pods.items)
      expect(p.metadata?.name).toMatch(
        /^api-[bcdfghjklmnpqrstvwxz2456789]{4,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/,
      );
    const rs = await h.apps.listNamespacedReplicaSet({ namespace: 'web' });
    expect(rs.items).toHaveLength(1);
    expect(rs.items[0].metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'api',
    });

    // A deleted pod is replaced.
    await h.core.deleteNamespacedPod({
      name: pods.items[0].metadata!.name!,
      namespace: 'web',
      gracePeriodSeconds: 0,
    });
    await waitFor(async () => {
      const list = await h.core.listNamespacedPod({
        namespace: 'web',
        fieldSelector: 'status.phase=Running',
      });
      return (
        list.items.length === 3 &&
        !list.items.some(p => p.metadata?.name === pods.items[0].metadata?.name)
      );
    }, 'a replacement pod');

    // Evictions respect a PodDisruptionBudget.
    await h.kc.makeApiClient(PolicyV1Api).createNamespacedPodDisruptionBudget({
      namespace: 'web',
      body: {
        metadata: { name: 'api' },
        spec: { minAvailable: 3, selector: { matchLabels: { app: 'api' } } },
      },
    });
    const victim = (
      await h.core.listNamespacedPod({
        namespace: 'web',
        fieldSelector: 'status.phase=Running',
      })
    ).items[0];
    await waitFor(async () => {
      const pdb = await h.kc
        .makeApiClient(PolicyV1Api)
        .readNamespacedPodDisruptionBudget({ name: 'api', namespace: 'web' });
      return pdb.status?.currentHealthy === 3;
    }, 'the PDB status');
    const refused = await failure(
      h.core.createNamespacedPodEviction({
        name: victim.metadata!.name!,
        namespace: 'web',
        body: { metadata: { name: victim.metadata!.name!, namespace: 'web' } },
      }),
    );
    expect(refused.code).toBe(429);
    expect(refused.body).toMatchObject({
      reason: 'TooManyRequests',
      message:
        "Cannot evict pod as it would violate the pod's disruption budget.",
    });
    await h.kc
      .makeApiClient(PolicyV1Api)
      .deleteNamespacedPodDisruptionBudget({ name: 'api', namespace: 'web' });
    await h.core.createNamespacedPodEviction({
      name: victim.metadata!.name!,
      namespace: 'web',
      body: { metadata: { name: victim.metadata!.name!, namespace: 'web' } },
    });
    await waitFor(
      async () =>
        (
          await failure(
            h.core.readNamespacedPod({
              name: victim.metadata!.name!,
              namespace: 'web',
            }),
          )
        ).code === 404,
      'the evicted pod to go',
    );

    // Scaling down through the scale subresource.
    await h.apps.replaceNamespacedDeploymentScale({
      name: 'api',
      namespace: 'web',
      body: { metadata: { name: 'api' }, spec: { replicas: 1 } },
    });
    await waitFor(
      async () =>
        (
          await h.core.listNamespacedPod({
            namespace: 'web',
            labelSelector: 'app=api',
          })
        ).items.length === 1,
      'scale down',
    );

    // Deleting the deployment (Background by default) removes its ReplicaSet and pods.
    await h.apps.deleteNamespacedDeployment({ name: 'api', namespace: 'web' });
    await waitFor(
      async () =>
        (await h.core.listNamespacedPod({ namespace: 'web' })).items.length ===
        0,
      'pods gone',
    );
    expect(
      (await h.apps.listNamespacedReplicaSet({ namespace: 'web' })).items,
    ).toHaveLength(0);
  });

  it('deletes everything in a namespace, which is Terminating in between', async () => {
    await createNamespace(h, 'doomed', { pods: '10' });
    await h.core.createNamespacedConfigMap({
      namespace: 'doomed',
      body: { metadata: { name: 'c' } },
    });
    await h.core.createNamespacedPod({
      namespace: 'doomed',
      body: {
        metadata: { name: 'p' },
        spec: { containers: [{ name: 'c', image: 'x:1' }] },
      },
    });
    const deleted = await h.core.deleteNamespace({ name: 'doomed' });
    expect((deleted as any).status?.phase).toBe('Terminating');
    const terminating = await h.core.readNamespace({ name: 'doomed' });
    expect(terminating.status?.phase).toBe('Terminating');
    const refused = await failure(
      h.core.createNamespacedConfigMap({
        namespace: 'doomed',
        body: { metadata: { name: 'late' } },
      }),
    );
    expect(refused.code).toBe(403);
    expect(refused.body.message).toBe(
      'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated',
    );
    await waitFor(
      async () =>
        (await failure(h.core.readNamespace({ name: 'doomed' }))).code === 404,
      'the namespace to go',
    );
    const leftovers = await Promise.all([
      h.core.listPodForAllNamespaces(),
      h.core.listConfigMapForAllNamespaces(),
      h.core.listResourceQuotaForAllNamespaces(),
    ]);
    for (const list of leftovers)
      expect(
        list.items.filter((o: any) => o.metadata.namespace === 'doomed'),
      ).toEqual([]);
  });
});
