import { KubernetesObjectApi, PatchStrategy } from '@kubernetes/client-node';
import { createNamespace, Harness, startHarness } from './testing/harness';

describe('KubernetesObjectApi (generic objects through discovery)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createNamespace(h, 'generic');
  });
  afterAll(() => h.sim.close());

  it('creates, reads, patches, server-side applies, lists and deletes', async () => {
    const client = KubernetesObjectApi.makeApiClient(h.kc);
    const job: any = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'gen', namespace: 'generic', labels: { a: '1' } },
      spec: {
        template: {
          spec: {
            restartPolicy: 'Never',
            containers: [{ name: 'c', image: 'x:1' }],
          },
        },
      },
    };
    const created = await client.create(job);
    expect(created.metadata?.uid).toBeDefined();
    const read = await client.read({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'gen', namespace: 'generic' },
    });
    expect(read.metadata?.labels).toMatchObject({ a: '1' });
    const patched = await client.patch(
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'gen', namespace: 'generic', labels: { b: '2' } },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched.metadata?.labels).toMatchObject({ a: '1', b: '2' });
    const applied = await client.patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'ssa', namespace: 'generic' },
        data: { k: 'v' },
      } as any,
      undefined,
      undefined,
      'portal',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((applied as any).data).toEqual({ k: 'v' });
    const route = await client.create({
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'r', namespace: 'generic' },
      spec: { to: { kind: 'Service', name: 'svc' } },
    } as any);
    expect((route as any).spec.host).toBe('r-generic.apps.kube-sim.local');
    const list = await client.list('batch/v1', 'Job', 'generic');
    expect(list.items.map(i => i.metadata?.name)).toEqual(['gen']);
    await client.delete({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'gen', namespace: 'generic' },
    });
    expect(
      (await client.list('batch/v1', 'Job', 'generic')).items,
    ).toHaveLength(0);
  });
});
