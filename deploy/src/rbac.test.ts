import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { byKind, named, render, type Manifest } from './__testUtils__/render';

jest.setTimeout(60_000);

const repo = path.resolve(__dirname, '../..');

type Rule = {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

/** One line per (group, resource, verb), e.g. `batch/jobs: create` or `rbac.../clusterroles[edit]: bind`. */
function grants(rules: Rule[]): string[] {
  return rules
    .flatMap(r =>
      r.apiGroups.flatMap(g =>
        r.resources.flatMap(res =>
          r.verbs.map(
            v =>
              `${g || 'core'}/${res}${
                r.resourceNames ? `[${r.resourceNames.join(',')}]` : ''
              }: ${v}`,
          ),
        ),
      ),
    )
    .sort();
}

function table(rows: [string, string[], string][]): string[] {
  return rows
    .flatMap(([what, verbs]) => verbs.map(v => `${what}: ${v}`))
    .sort();
}

/**
 * The portal's ServiceAccount: every rule, and why (deploy/README.md has the same table). The
 * code scan below keeps it honest: each grant is a call the plugins make, each call is granted.
 */
const PROVISIONER: [string, string[], string][] = [
  [
    'core/namespaces',
    ['get', 'list', 'create', 'update', 'patch', 'delete'],
    "an environment is a namespace: created, read and adopted on a retry, its lease end annotated, deleted with it (EnvironmentProvisioner); the cost ledger lists the portal's namespaces by label to find the pods that run outside jobs (genai-insights ClusterPodSource); GPU utilization reads every namespace's team and owner labels (genai-insights KubernetesGpuReader); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'core/nodes',
    ['list'],
    "GPU pool capacity from the MI300X/MI355X nodes (QuotaService); GPU utilization: each pool's nodes and GPUs (genai-insights KubernetesGpuReader)",
  ],
  [
    'core/pods',
    ['list', 'watch'],
    "GPU use across namespaces (QuotaService); job pods watched across environments (JobWatcher) and listed in one (JobService, JobReconciler); GPU utilization: running and pending pods holding or asking for GPUs, across namespaces (genai-insights KubernetesGpuReader); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'core/pods/log',
    ['get'],
    "a job's logs, read and followed (JobService, openPodLog)",
  ],
  ['core/events', ['list'], "why a job's pod does not start (JobReconciler)"],
  [
    'core/resourcequotas',
    ['get', 'list', 'create', 'update'],
    "an environment's quota: made, adopted, read for headroom; listed across environments for team totals (QuotaService); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'core/services',
    ['get', 'list', 'create', 'update'],
    "a model server's Service (InferenceDeployer); labelled ones listed across namespaces to route to (InferenceServiceDiscovery)",
  ],
  [
    'core/limitranges',
    ['get', 'list', 'create', 'update'],
    "an environment's container defaults (EnvironmentProvisioner); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'core/persistentvolumeclaims',
    ['get', 'create'],
    "a model server's model cache (InferenceDeployer)",
  ],
  [
    'batch/jobs',
    ['get', 'list', 'watch', 'create', 'delete'],
    "blueprint jobs: submitted, read, cancelled (JobService); watched across environments (JobWatcher); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'apps/deployments',
    ['get', 'list', 'create', 'update'],
    "vLLM model servers (InferenceDeployer); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'apps/statefulsets',
    ['list'],
    "compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'autoscaling/horizontalpodautoscalers',
    ['get', 'create', 'update'],
    "a model server's autoscaler (InferenceDeployer)",
  ],
  [
    'route.openshift.io/routes',
    ['get', 'create', 'update'],
    "a model server's Route (InferenceDeployer)",
  ],
  [
    'networking.k8s.io/networkpolicies',
    ['get', 'list', 'create', 'update'],
    "an environment's isolation: deny by default, admit the router and the gateway (EnvironmentProvisioner); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'policy/poddisruptionbudgets',
    ['get', 'list', 'create', 'update'],
    "a replicated model server's disruption budget (InferenceDeployer); compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader)",
  ],
  [
    'rbac.authorization.k8s.io/rolebindings',
    ['get', 'create', 'update'],
    'the team edits its namespace (EnvironmentProvisioner); the portal binds -environment in it',
  ],
  [
    'kueue.x-k8s.io/workloads',
    ['list'],
    'GPU utilization: GPU requests queued by Kueue, across namespaces (genai-insights KubernetesGpuReader); without Kueue or this rule, pending pods only',
  ],
  [
    'wgpolicyk8s.io/policyreports',
    ['list'],
    "compliance scorecards read the environments' objects (genai-insights ClusterObjectsReader): Kyverno's PolicyReports; without Kyverno or this rule, none",
  ],
  [
    'constraints.gatekeeper.sh/k8srequiredlabels',
    ['list'],
    "compliance scorecards read Gatekeeper's last audit (genai-insights ClusterObjectsReader): the status.violations of the constraints of the kinds the platform ships (deploy/platform); other kinds are skipped; without Gatekeeper or this rule, none",
  ],
  [
    'rbac.authorization.k8s.io/clusterroles[edit,portal-environment]',
    ['bind'],
    "binding a role one does not hold needs bind: the team's edit, the portal's -environment; nothing else",
  ],
];

/** Granted only inside an environment namespace, by a RoleBinding there; never cluster-wide. */
const ENVIRONMENT: [string, string[], string][] = [
  [
    'core/secrets',
    ['get'],
    "a job's secretKeyRef must name a Secret and key of its environment (JobService)",
  ],
];

/** The Backstage Kubernetes plugin's identity: its default object types and pod metrics, read. */
const VIEWER: [string, string[], string][] = [
  ...[
    'core/pods',
    'core/services',
    'core/configmaps',
    'core/limitranges',
    'core/resourcequotas',
    'apps/deployments',
    'apps/replicasets',
    'apps/statefulsets',
    'apps/daemonsets',
    'autoscaling/horizontalpodautoscalers',
    'batch/jobs',
    'batch/cronjobs',
    'networking.k8s.io/ingresses',
  ].map((kind): [string, string[], string] => [
    kind,
    ['get', 'list'],
    "listed by label for an entity's Kubernetes tab; get for the admin-only proxy",
  ]),
  [
    'metrics.k8s.io/pods',
    ['get', 'list'],
    'pod CPU and memory on the tab (the production cluster does not skip metrics)',
  ],
];

/** Kubernetes calls of @kubernetes/client-node's typed APIs, as (group/resource, verb). */
const KINDS: Record<string, string> = {
  Namespace: 'core/namespaces',
  Node: 'core/nodes',
  Pod: 'core/pods',
  PodLog: 'core/pods/log',
  Event: 'core/events',
  ResourceQuota: 'core/resourcequotas',
  Service: 'core/services',
  LimitRange: 'core/limitranges',
  PersistentVolumeClaim: 'core/persistentvolumeclaims',
  Secret: 'core/secrets',
  Job: 'batch/jobs',
  Deployment: 'apps/deployments',
  StatefulSet: 'apps/statefulsets',
  PodDisruptionBudget: 'policy/poddisruptionbudgets',
  HorizontalPodAutoscaler: 'autoscaling/horizontalpodautoscalers',
  NetworkPolicy: 'networking.k8s.io/networkpolicies',
  RoleBinding: 'rbac.authorization.k8s.io/rolebindings',
  // resolved per file, from the group and plural the file names (below)
  CustomObject: 'custom',
};
const VERBS: Record<string, string> = {
  create: 'create',
  read: 'get',
  get: 'get',
  replace: 'update',
  patch: 'patch',
  delete: 'delete',
  list: 'list',
};

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const file = path.join(dir, e.name);
    if (e.isDirectory())
      return e.name === '__testUtils__' ? [] : sourceFiles(file);
    return /\.ts$/.test(e.name) && !/\.test\.ts$/.test(e.name) ? [file] : [];
  });
}

/** Every Kubernetes request the plugins' code makes (every plugin's src), as grant lines. */
function callsInCode(): string[] {
  const plugins = path.join(repo, 'plugins');
  const files = fs
    .readdirSync(plugins)
    .map(p => path.join(plugins, p, 'src'))
    .filter(d => fs.existsSync(d))
    .flatMap(sourceFiles);
  const calls = new Set<string>();
  const raw = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(repo, file);
    for (const [, method] of text.matchAll(
      /\b(?:core|batch|apps|autoscaling|networking|policy|rbac|custom)\.((?:create|read|get|replace|patch|delete|list|connect|watch)\w*)\(/g,
    )) {
      const m = method.match(
        /^(create|read|get|replace|patch|delete|list)(?:Namespaced|Cluster(?=CustomObject))?(\w+?)(?:ForAllNamespaces)?$/,
      );
      // Discovery (`/apis/<group>/<version>`) is a non-resource URL every authenticated
      // identity may read (system:discovery): nothing to grant.
      if (method === 'getAPIResources') continue;
      let kind = m && KINDS[m[2]];
      if (!m || !kind)
        throw new Error(
          `${rel}: Kubernetes call ${method} is not in this test's table: add it, and grant it in the chart if it is new`,
        );
      if (m[2] === 'CustomObject') {
        // A file calling the custom objects API names its one resource as a constant:
        // { group: 'route.openshift.io', version: 'v1', plural: 'routes' }.
        // Gatekeeper's constraints come in a kind per template, found by discovery: the file
        // names the group alone and lists the kinds discovery answers; the chart grants the
        // kinds the platform ships (RBAC has no wildcard here), the rest answer 403 and are skipped.
        const resources = text.includes("group: 'constraints.gatekeeper.sh'")
          ? ['constraints.gatekeeper.sh/k8srequiredlabels']
          : [
              ...text.matchAll(
                /group: '([\w.-]+)',\s*version: '\w+',\s*plural: '([\w-]+)'/g,
              ),
            ].map(([, group, plural]) => `${group}/${plural}`);
        expect([rel, resources.length]).toEqual([rel, 1]);
        kind = resources[0];
      }
      calls.add(`${kind}: ${VERBS[m[1]]}`);
    }
    // Requests outside the typed APIs (watches, log streams) use the KubeConfig directly.
    if (/new Watch\(|applyTo(HTTPS|Fetch)Options\(/.test(text)) raw.add(rel);
  }
  expect([...raw].sort()).toEqual([
    'plugins/genai-playground-backend/src/jobs/JobWatcher.ts',
    'plugins/genai-playground-backend/src/jobs/openPodLog.ts',
  ]);
  const watcher = fs.readFileSync(
    path.join(repo, 'plugins/genai-playground-backend/src/jobs/JobWatcher.ts'),
    'utf8',
  );
  expect(watcher).toContain("'/apis/batch/v1/jobs'");
  expect(watcher).toContain("'/api/v1/pods'");
  calls.add('batch/jobs: watch');
  calls.add('core/pods: watch');
  const logs = fs.readFileSync(
    path.join(repo, 'plugins/genai-playground-backend/src/jobs/openPodLog.ts'),
    'utf8',
  );
  expect(logs).toContain('/api/v1/namespaces/');
  expect(logs).toMatch(/\/pods\/\$\{encodeURIComponent\(pod\)\}\/log`/);
  expect(logs).toContain("{ method: 'GET', signal }");
  calls.add('core/pods/log: get');
  return [...calls].sort();
}

const clusterRole = (manifests: Manifest[], name: string) =>
  named(manifests, 'ClusterRole', name).rules as Rule[];

describe("the portal's RBAC", () => {
  const manifests = render();
  const provisioner = clusterRole(manifests, 'portal-provisioner');
  const environment = clusterRole(manifests, 'portal-environment');
  const viewer = clusterRole(manifests, 'portal-viewer');

  it('grants the provisioner exactly the table, the environment role only Secrets', () => {
    expect(grants(provisioner)).toEqual(table(PROVISIONER));
    expect(grants(environment)).toEqual(table(ENVIRONMENT));
  });

  it('grants what the plugins call and nothing they do not', () => {
    const granted = [...grants(provisioner), ...grants(environment)].filter(
      g => !g.endsWith(': bind'),
    );
    expect(callsInCode()).toEqual(granted.sort());
    // the team RoleBinding's role is the one bind allows
    expect(
      fs.readFileSync(
        path.join(
          repo,
          'plugins/genai-playground-backend/src/environments/manifests.ts',
        ),
        'utf8',
      ),
    ).toMatch(
      /roleRef: \{\s*apiGroup: 'rbac\.authorization\.k8s\.io',\s*kind: 'ClusterRole',\s*name: 'edit',/,
    );
  });

  it('has no wildcard, no escalate or impersonate, bind only by name, no Secrets cluster-wide', () => {
    const roles = byKind(manifests, 'ClusterRole');
    for (const role of roles) {
      for (const rule of role.rules as Rule[]) {
        const where = `${role.metadata.name}: ${JSON.stringify(rule)}`;
        expect([where, rule.nonResourceURLs]).toEqual([where, undefined]);
        for (const v of [...rule.apiGroups, ...rule.resources, ...rule.verbs])
          expect([where, v]).toEqual([where, expect.not.stringContaining('*')]);
        for (const v of ['escalate', 'impersonate', '*'])
          expect([where, rule.verbs]).toEqual([
            where,
            expect.not.arrayContaining([v]),
          ]);
      }
    }
    const unnamedBinds = roles
      .flatMap(role => role.rules as Rule[])
      .filter(
        rule => rule.verbs.includes('bind') && !rule.resourceNames?.length,
      );
    expect(unnamedBinds).toEqual([]);
    expect(byKind(manifests, 'Role')).toEqual([]);
    expect(byKind(manifests, 'RoleBinding')).toEqual([]);
    // Who is bound cluster-wide to what: the environment role (Secrets) is not.
    expect(
      byKind(manifests, 'ClusterRoleBinding')
        .map(b => [
          b.roleRef.name,
          b.subjects.map((s: any) => `${s.kind}:${s.namespace}/${s.name}`),
        ])
        .sort(),
    ).toEqual([
      // OpenShift's own role: reading metrics through the Thanos querier (GPU utilization)
      [
        'cluster-monitoring-view',
        ['ServiceAccount:genai-portal/portal-metrics-reader'],
      ],
      ['portal-provisioner', ['ServiceAccount:genai-portal/portal']],
      ['portal-viewer', ['ServiceAccount:genai-portal/portal-viewer']],
    ]);
    for (const name of ['portal-provisioner', 'portal-viewer']) {
      expect(grants(clusterRole(manifests, name)).join('\n')).not.toMatch(
        /^core\/secrets:/m,
      );
    }
  });

  it('confines the provisioner writes to the namespaces the portal made', () => {
    const [policy] = byKind(manifests, 'ValidatingAdmissionPolicy');
    const [binding] = byKind(manifests, 'ValidatingAdmissionPolicyBinding');
    expect(binding.spec).toEqual({
      policyName: policy.metadata.name,
      validationActions: ['Deny'],
    });
    expect(policy.spec.failurePolicy).toBe('Fail');
    expect(policy.spec.matchConditions).toEqual([
      {
        name: 'the-portal',
        expression:
          "request.userInfo.username == 'system:serviceaccount:genai-portal:portal'",
      },
    ]);
    // every write the provisioner may make is matched, with its operation
    const OPERATION: Record<string, string> = {
      create: 'CREATE',
      update: 'UPDATE',
      patch: 'UPDATE',
      delete: 'DELETE',
    };
    const writes = new Set(
      grants(provisioner).flatMap(g => {
        const [what, verb] = g.split(': ');
        return OPERATION[verb] ? [`${what}: ${OPERATION[verb]}`] : [];
      }),
    );
    const matched = new Set(
      grants(
        policy.spec.matchConstraints.resourceRules.map((r: any) => ({
          ...r,
          verbs: r.operations,
        })),
      ),
    );
    expect([...writes].filter(w => !matched.has(w))).toEqual([]);
    // the label is the one the playground backend puts on its namespaces
    const manifestsTs = fs.readFileSync(
      path.join(
        repo,
        'plugins/genai-playground-backend/src/environments/manifests.ts',
      ),
      'utf8',
    );
    expect(manifestsTs).toContain(
      "export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';",
    );
    expect(manifestsTs).toContain(
      "export const MANAGED_BY = 'genai-playground-portal';",
    );
    const expressions = JSON.stringify(policy.spec);
    expect(expressions).toContain(
      "labels['app.kubernetes.io/managed-by'] == 'genai-playground-portal'",
    );
    const [system, managed] = policy.spec.validations;
    expect(system.expression).toBe(
      "!(variables.target in ['default', 'genai-portal']) && !variables.target.startsWith('kube-') && !variables.target.startsWith('openshift')",
    );
    expect(managed.expression).toContain('variables.namespaceManaged');
    expect(managed.expression).toContain(
      "request.operation == 'UPDATE' ? variables.objectManaged && variables.oldObjectManaged",
    );

    expect(
      byKind(render('rbac.admissionPolicy=false'), 'ValidatingAdmissionPolicy'),
    ).toEqual([]);
  });

  it('gives the Kubernetes plugin its own ServiceAccount that only reads what the plugin fetches', () => {
    expect(grants(viewer)).toEqual(table(VIEWER));
    // the kinds are the plugin's defaults, read from the installed plugin
    const dist = path.dirname(
      require.resolve('@backstage/plugin-kubernetes-backend', {
        paths: [path.join(repo, 'packages/backend')],
      }),
    );
    const { DEFAULT_OBJECTS } = require(path.join(
      dist,
      'service/KubernetesFanOutHandler.cjs.js',
    ));
    expect(
      DEFAULT_OBJECTS.map(
        (o: { group: string; plural: string }) =>
          `${o.group || 'core'}/${o.plural}`,
      ).sort(),
    ).toEqual(
      VIEWER.map(([kind]) => kind)
        .filter(k => !k.startsWith('metrics.k8s.io'))
        .sort(),
    );

    const sa = named(manifests, 'ServiceAccount', 'portal-viewer');
    expect(sa.automountServiceAccountToken).toBe(false);
    const token = named(manifests, 'Secret', 'portal-viewer-token');
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(token.metadata.annotations).toEqual({
      'kubernetes.io/service-account.name': 'portal-viewer',
    });
    const [deployment] = byKind(manifests, 'Deployment');
    const backend = deployment.spec.template.spec.containers[0];
    expect(backend.env.find((e: any) => e.name === 'K8S_VIEWER_TOKEN')).toEqual(
      {
        name: 'K8S_VIEWER_TOKEN',
        valueFrom: {
          secretKeyRef: { name: 'portal-viewer-token', key: 'token' },
        },
      },
    );
    // the pod itself runs as the portal (oauth-proxy's OAuth client), not as the viewer
    expect(deployment.spec.template.spec.serviceAccountName).toBe('portal');

    // The production config hands the viewer's token to the Kubernetes plugin and the portal's
    // own (K8S_CLUSTER_TOKEN, from existingSecret) to the playground alone.
    const production = parse(
      fs.readFileSync(path.join(repo, 'app-config.production.yaml'), 'utf8'),
    );
    expect(
      production.kubernetes.clusterLocatorMethods.flatMap((m: any) =>
        m.clusters.map((c: any) => c.serviceAccountToken),
      ),
    ).toEqual(['${K8S_VIEWER_TOKEN}']);
    expect(production.genaiPlayground.serviceAccountToken).toBe(
      '${K8S_CLUSTER_TOKEN}',
    );
  });
});
