/**
 * The policy engines' APIs through @kubernetes/client-node: Kyverno's wg-policy reports and
 * Gatekeeper's templates, the constraint kinds they add (discovery, CRUD, the status
 * subresource, removal with the template) and the audit of K8sRequiredLabels.
 */
import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { failure, Harness, startHarness, waitFor } from './testing/harness';
import {
  policyReport,
  REQUIRED_LABELS_CONSTRAINT,
  REQUIRED_LABELS_TEMPLATE,
} from './testing/policyEngines';

const GK = { group: 'constraints.gatekeeper.sh', version: 'v1beta1' };
const TEMPLATES = {
  group: 'templates.gatekeeper.sh',
  version: 'v1',
  plural: 'constrainttemplates',
};
const REPORTS = { group: 'wgpolicyk8s.io', version: 'v1alpha2' };
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('policy engines', () => {
  let h: Harness;
  const get = async (path: string) => {
    const res = await fetch(`${h.sim.url}${path}`, {
      headers: { Authorization: `Bearer ${h.sim.token}` },
    });
    return { status: res.status, body: await res.json() };
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.sim.close());

  it('serves PolicyReports (namespaced) and ClusterPolicyReports in discovery', async () => {
    const { body } = await get('/apis/wgpolicyk8s.io/v1alpha2');
    expect(
      body.resources.map((r: any) => [r.name, r.kind, r.namespaced]),
    ).toEqual([
      ['policyreports', 'PolicyReport', true],
      ['clusterpolicyreports', 'ClusterPolicyReport', false],
    ]);
    const groups = (await get('/apis')).body.groups.map((g: any) => g.name);
    expect(groups).toEqual(
      expect.arrayContaining(['wgpolicyk8s.io', 'templates.gatekeeper.sh']),
    );
    // No template, no constraint kinds: the group is not served at all.
    expect(groups).not.toContain('constraints.gatekeeper.sh');
    expect((await get('/apis/constraints.gatekeeper.sh/v1beta1')).status).toBe(
      404,
    );
  });

  it('creates, lists across namespaces and patches PolicyReports', async () => {
    await h.core.createNamespace({ body: { metadata: { name: 'reports' } } });
    await h.custom.createNamespacedCustomObject({
      ...REPORTS,
      namespace: 'reports',
      plural: 'policyreports',
      body: policyReport('reports', 'llama-0'),
    });
    const all = await h.custom.listClusterCustomObject({
      ...REPORTS,
      plural: 'policyreports',
    });
    expect(all.items).toHaveLength(1);
    const report = all.items[0];
    expect(report.metadata.namespace).toBe('reports');
    // Top-level results and summary, kept as written (no spec is added).
    expect(report.spec).toBeUndefined();
    expect(report.results.map((r: any) => [r.policy, r.result])).toEqual([
      ['disallow-latest-tag', 'fail'],
      ['require-run-as-nonroot', 'pass'],
    ]);
    expect(report.scope).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'llama-0',
      namespace: 'reports',
    });

    const patched = await h.custom.patchNamespacedCustomObject(
      {
        ...REPORTS,
        namespace: 'reports',
        plural: 'policyreports',
        name: 'pod-llama-0',
        body: { summary: { pass: 2, fail: 0, warn: 0, error: 0, skip: 0 } },
      },
      merge,
    );
    expect(patched.summary.pass).toBe(2);

    await h.custom.createClusterCustomObject({
      ...REPORTS,
      plural: 'clusterpolicyreports',
      body: {
        apiVersion: 'wgpolicyk8s.io/v1alpha2',
        kind: 'ClusterPolicyReport',
        metadata: { name: 'ns-reports' },
        results: [],
        summary: { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 },
      },
    });
    const cluster = await h.custom.listClusterCustomObject({
      ...REPORTS,
      plural: 'clusterpolicyreports',
    });
    expect(cluster.items.map((r: any) => r.metadata.name)).toEqual([
      'ns-reports',
    ]);
  });

  it('refuses a constraint whose kind no template defines', async () => {
    const { code } = await failure(
      h.custom.createClusterCustomObject({
        ...GK,
        plural: 'k8srequiredlabels',
        body: REQUIRED_LABELS_CONSTRAINT,
      }),
    );
    expect(code).toBe(404);
  });

  it('adds the constraint kind of a template, audits it and removes it with the template', async () => {
    await h.custom.createClusterCustomObject({
      ...TEMPLATES,
      body: REQUIRED_LABELS_TEMPLATE,
    });
    const list = (await get('/apis/constraints.gatekeeper.sh/v1beta1')).body;
    expect(list.resources).toEqual([
      expect.objectContaining({
        name: 'k8srequiredlabels',
        kind: 'K8sRequiredLabels',
        namespaced: false,
        categories: ['constraint', 'constraints'],
      }),
      expect.objectContaining({ name: 'k8srequiredlabels/status' }),
    ]);
    await waitFor(async () => {
      const t = await h.custom.getClusterCustomObject({
        ...TEMPLATES,
        name: 'k8srequiredlabels',
      });
      return t.status?.created === true;
    }, 'the template to be created');

    await h.custom.createClusterCustomObject({
      ...GK,
      plural: 'k8srequiredlabels',
      body: REQUIRED_LABELS_CONSTRAINT,
    });
    await h.core.createNamespace({
      body: {
        metadata: {
          name: 'unlabelled',
          labels: {
            'app.kubernetes.io/managed-by': 'genai-playground-portal',
            'security-level': 'extreme',
          },
        },
      },
    });
    const audited = await waitFor(async () => {
      const c = await h.custom.getClusterCustomObject({
        ...GK,
        plural: 'k8srequiredlabels',
        name: 'genai-required-labels',
      });
      return c.status?.totalViolations === 2 ? c : undefined;
    }, 'the audit to report the namespace');
    expect(audited.status.auditTimestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(audited.status.violations).toEqual([
      {
        enforcementAction: 'deny',
        group: '',
        version: 'v1',
        kind: 'Namespace',
        name: 'unlabelled',
        message: 'label security-level=extreme must match ^(low|medium|high)$',
      },
      {
        enforcementAction: 'deny',
        group: '',
        version: 'v1',
        kind: 'Namespace',
        name: 'unlabelled',
        message: 'missing required label data-classification',
      },
    ]);

    await h.custom.deleteClusterCustomObject({
      ...TEMPLATES,
      name: 'k8srequiredlabels',
    });
    expect((await get('/apis/constraints.gatekeeper.sh/v1beta1')).status).toBe(
      404,
    );
    await waitFor(
      () => !h.sim.store.count('constraints.gatekeeper.sh/k8srequiredlabels'),
      'the constraints to go with their kind',
    );
    const { code } = await failure(
      h.custom.listClusterCustomObject({ ...GK, plural: 'k8srequiredlabels' }),
    );
    expect(code).toBe(404);
  });

  it('keeps a constraint status written through the status subresource', async () => {
    await h.custom.createClusterCustomObject({
      ...TEMPLATES,
      body: {
        ...REQUIRED_LABELS_TEMPLATE,
        metadata: { name: 'k8sallowedrepos' },
        spec: {
          ...REQUIRED_LABELS_TEMPLATE.spec,
          crd: { spec: { names: { kind: 'K8sAllowedRepos' } } },
        },
      },
    });
    const base = { ...GK, plural: 'k8sallowedrepos', name: 'repos' };
    const created = await h.custom.createClusterCustomObject({
      ...GK,
      plural: 'k8sallowedrepos',
      body: {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: 'K8sAllowedRepos',
        metadata: { name: 'repos' },
        spec: { parameters: { repos: ['quay.io/genai/'] } },
        status: { totalViolations: 99 },
      },
    });
    // Status is the audit's: a create drops what the client sent.
    expect(created.status).toBeUndefined();
    const violation = {
      enforcementAction: 'warn',
      group: '',
      version: 'v1',
      kind: 'Pod',
      namespace: 'reports',
      name: 'llama-0',
      message: 'container <vllm> has an invalid image repo <docker.io/vllm>',
    };
    await h.custom.patchClusterCustomObjectStatus(
      {
        ...base,
        body: {
          status: {
            auditTimestamp: '2026-12-06T01:00:00Z',
            totalViolations: 1,
            violations: [violation],
          },
        },
      },
      merge,
    );
    // A spec change through the main resource keeps the status.
    const updated = await h.custom.patchClusterCustomObject(
      { ...base, body: { spec: { enforcementAction: 'warn' } } },
      merge,
    );
    expect(updated.metadata.generation).toBe(2);
    expect(updated.status.violations).toEqual([violation]);
    const listed = await h.custom.listClusterCustomObject({
      ...GK,
      plural: 'k8sallowedrepos',
    });
    expect(listed.items.map((c: any) => c.status.totalViolations)).toEqual([1]);
  });
});
