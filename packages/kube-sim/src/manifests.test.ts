/**
 * Manifests at start: the dev default's policy evidence (the platform's Gatekeeper template and
 * constraint, then the demo environment) as scripts/start.sh loads it, and the errors a bad
 * manifest stops kube-sim with.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManifestError } from './manifests';
import { startKubeSim } from './sim';
import { startHarness, waitFor } from './testing/harness';

const REPO = path.resolve(__dirname, '..', '..', '..');
const PLATFORM = path.join(REPO, 'deploy', 'platform', 'required-labels.yaml');
const EVIDENCE = path.resolve(
  __dirname,
  '..',
  'manifests',
  'dev-policy-evidence.yaml',
);
const NS = 'ml-research-policy-demo';

describe('manifests', () => {
  it('loads the dev policy evidence: a Gatekeeper violation and a Kyverno report', async () => {
    const h = await startHarness({ manifests: [PLATFORM, EVIDENCE] });
    try {
      const constraint = await waitFor(async () => {
        const c = await h.custom.getClusterCustomObject({
          group: 'constraints.gatekeeper.sh',
          version: 'v1beta1',
          plural: 'k8srequiredlabels',
          name: 'genai-required-labels',
        });
        return c.status?.auditTimestamp ? c : undefined;
      }, 'the first audit');
      expect(constraint.status.violations).toContainEqual({
        enforcementAction: 'deny',
        group: '',
        version: 'v1',
        kind: 'Namespace',
        name: NS,
        message: 'missing required label data-classification',
      });
      expect(constraint.status.totalViolations).toBe(1);

      const reports = await h.custom.listNamespacedCustomObject({
        group: 'wgpolicyk8s.io',
        version: 'v1alpha2',
        namespace: NS,
        plural: 'policyreports',
      });
      expect(
        reports.items[0].results.map((r: any) => [r.policy, r.result]),
      ).toEqual([
        ['disallow-latest-tag', 'fail'],
        ['require-pod-probes', 'warn'],
        ['disallow-privilege-escalation', 'pass'],
      ]);
      await waitFor(async () => {
        const pods = await h.core.listNamespacedPod({ namespace: NS });
        return pods.items.some(p => p.status?.phase === 'Running');
      }, 'the demo deployment to run');
    } finally {
      await h.sim.close();
    }
  });

  it('leaves objects that are there already alone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-manifests-'));
    const state = path.join(dir, 'state.json');
    try {
      const first = await startHarness({
        manifests: [EVIDENCE],
        stateFile: state,
      });
      await first.core.patchNamespace({
        name: NS,
        body: [
          {
            op: 'add',
            path: '/metadata/labels/data-classification',
            value: 'internal',
          },
        ],
      });
      await first.sim.close();
      const second = await startHarness({
        manifests: [EVIDENCE],
        stateFile: state,
      });
      try {
        const ns = await second.core.readNamespace({ name: NS });
        expect(ns.metadata?.labels?.['data-classification']).toBe('internal');
      } finally {
        await second.sim.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stops with the file and the document it cannot load', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kube-sim-manifests-'));
    const file = path.join(dir, 'bad.yaml');
    try {
      fs.writeFileSync(
        file,
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: ok}\n---\n' +
          'apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\n' +
          'metadata: {name: early}\n',
      );
      const start = startKubeSim({ manifests: [file] });
      await expect(start).rejects.toThrow(ManifestError);
      await expect(start).rejects.toThrow(
        `${file}: document 2 (K8sRequiredLabels/early): kube-sim does not serve constraints.gatekeeper.sh/v1beta1 K8sRequiredLabels`,
      );
      fs.writeFileSync(
        file,
        'apiVersion: v1\nkind: Namespace\nmetadata: {name: Bad_Name}\n',
      );
      await expect(startKubeSim({ manifests: [file] })).rejects.toThrow(
        /document 1 \(Namespace\/Bad_Name\): Namespace "Bad_Name" is invalid/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
