import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createNamespace,
  Harness,
  startHarness,
  waitFor,
} from '../testing/harness';

describe('state file', () => {
  it('keeps objects across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-state-'));
    const stateFile = path.join(dir, 'state.json');
    let h: Harness = await startHarness({ stateFile });
    try {
      await createNamespace(h, 'keep', { 'requests.amd.com/gpu': '16' });
      await h.core.createNamespacedConfigMap({
        namespace: 'keep',
        body: { metadata: { name: 'cfg' }, data: { a: 'b' } },
      });
      await h.core.createNamespacedPod({
        namespace: 'keep',
        body: {
          metadata: { name: 'srv' },
          spec: { containers: [{ name: 'c', image: 'x:1' }] },
        },
      });
      await waitFor(
        async () =>
          (
            await h.core.readNamespacedPod({ name: 'srv', namespace: 'keep' })
          ).status?.phase === 'Running',
        'running',
      );
      const before = await h.core.readNamespacedConfigMap({
        name: 'cfg',
        namespace: 'keep',
      });
      const rv = Number(
        (await h.core.listNamespace()).metadata?.resourceVersion,
      );
      await h.sim.close();
      expect(
        JSON.parse(fs.readFileSync(stateFile, 'utf8')).objects['/configmaps'],
      ).toBeDefined();

      h = await startHarness({ stateFile });
      const after = await h.core.readNamespacedConfigMap({
        name: 'cfg',
        namespace: 'keep',
      });
      expect(after.metadata?.uid).toBe(before.metadata?.uid);
      expect(after.data).toEqual({ a: 'b' });
      const pod = await h.core.readNamespacedPod({
        name: 'srv',
        namespace: 'keep',
      });
      expect(pod.status?.phase).toBe('Running');
      expect(
        (
          await h.core.readNamespacedResourceQuota({
            name: 'quota',
            namespace: 'keep',
          })
        ).spec?.hard,
      ).toEqual({ 'requests.amd.com/gpu': '16' });
      // resourceVersions keep increasing after a restart.
      const created = await h.core.createNamespacedConfigMap({
        namespace: 'keep',
        body: { metadata: { name: 'new' } },
      });
      expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(rv);
      expect((await h.core.listNode()).items).toHaveLength(6);
    } finally {
      await h.sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
