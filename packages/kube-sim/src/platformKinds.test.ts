import {
  AdmissionregistrationV1Api,
  BatchV1Api,
  RbacAuthorizationV1Api,
  SchedulingV1Api,
  StorageV1Api,
} from '@kubernetes/client-node';
import {
  createNamespace,
  failure,
  Harness,
  startHarness,
} from './testing/harness';

/*
 * The kinds a platform's manifests hold besides the portal's own (StatefulSets, DaemonSets,
 * CronJobs, RBAC roles and cluster bindings, admission policies, priority and storage classes):
 * stored, and validated with the API server's field errors and messages.
 */

const labels = { app: 'db' };

function statefulSet(overrides: Record<string, unknown> = {}) {
  return {
    metadata: { name: 'db' },
    spec: {
      serviceName: 'db',
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'db', image: 'postgres:16.4' }] },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            resources: { requests: { storage: '10Gi' } },
          },
        },
      ],
      ...overrides,
    },
  };
}

describe('platform kinds', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    await createNamespace(h, 'kinds');
  });
  afterAll(() => h.sim.close());

  const get = async (path: string) =>
    (
      await fetch(`${h.sim.url}${path}`, {
        headers: { Authorization: `Bearer ${h.sim.token}` },
      })
    ).json();

  it('lists them in discovery and the OpenAPI index, so that kubectl maps them', async () => {
    const names = async (gv: string) =>
      (await get(`/apis/${gv}`)).resources.map((r: any) => r.name);
    expect(await names('apps/v1')).toEqual(
      expect.arrayContaining([
        'statefulsets',
        'statefulsets/scale',
        'daemonsets',
      ]),
    );
    expect(await names('batch/v1')).toContain('cronjobs');
    expect(await names('rbac.authorization.k8s.io/v1')).toEqual([
      'roles',
      'clusterroles',
      'rolebindings',
      'clusterrolebindings',
    ]);
    expect(await names('admissionregistration.k8s.io/v1')).toEqual([
      'validatingadmissionpolicies',
      'validatingadmissionpolicies/status',
      'validatingadmissionpolicybindings',
    ]);
    expect(await names('scheduling.k8s.io/v1')).toEqual(['priorityclasses']);
    expect(await names('storage.k8s.io/v1')).toEqual(['storageclasses']);
    const index = await get('/openapi/v3');
    expect(Object.keys(index.paths)).toEqual(
      expect.arrayContaining([
        'apis/admissionregistration.k8s.io/v1',
        'apis/scheduling.k8s.io/v1',
        'apis/storage.k8s.io/v1',
      ]),
    );
  });

  it('stores a StatefulSet with its defaults and refuses one whose selector does not match', async () => {
    const created = await h.apps.createNamespacedStatefulSet({
      namespace: 'kinds',
      body: statefulSet(),
    });
    expect(created.spec?.podManagementPolicy).toBe('OrderedReady');
    expect(created.spec?.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { partition: 0 },
    });
    expect(created.spec?.template.spec?.restartPolicy).toBe('Always');

    const mismatched = await failure(
      h.apps.createNamespacedStatefulSet({
        namespace: 'kinds',
        body: statefulSet({
          selector: {
            matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }],
          },
        }),
      }),
    );
    expect(mismatched.code).toBe(422);
    expect(mismatched.body.message).toBe(
      'StatefulSet.apps "db" is invalid: spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`',
    );
    const empty = await failure(
      h.apps.createNamespacedStatefulSet({
        namespace: 'kinds',
        body: statefulSet({ selector: {} }),
      }),
    );
    expect(empty.body.details.causes).toEqual([
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: {}: empty selector is invalid for statefulset',
        field: 'spec.selector',
      },
    ]);
  });

  it("checks a StatefulSet's claim templates and pod template as the API server does", async () => {
    const bad = await failure(
      h.apps.createNamespacedStatefulSet({
        namespace: 'kinds',
        body: statefulSet({
          volumeClaimTemplates: [
            {
              metadata: { name: 'data' },
              spec: { resources: { requests: {} } },
            },
          ],
          template: {
            metadata: { labels },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'db', image: 'postgres:16.4' }],
            },
          },
        }),
      }),
    );
    expect(bad.code).toBe(422);
    expect(
      bad.body.details.causes.map((c: any) => `${c.field}: ${c.message}`),
    ).toEqual([
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
      'spec.volumeClaimTemplates[0].spec.accessModes: Required value: at least 1 access mode is required',
      'spec.volumeClaimTemplates[0].spec.resources[storage]: Required value',
    ]);
  });

  it('refuses to change the selector of a StatefulSet, a Deployment or a DaemonSet', async () => {
    const sts = await h.apps.readNamespacedStatefulSet({
      name: 'db',
      namespace: 'kinds',
    });
    sts.spec!.selector = { matchLabels: { app: 'db', tier: 'data' } };
    sts.spec!.template.metadata!.labels = { app: 'db', tier: 'data' };
    const stsChange = await failure(
      h.apps.replaceNamespacedStatefulSet({
        name: 'db',
        namespace: 'kinds',
        body: sts,
      }),
    );
    expect(stsChange.code).toBe(422);
    expect(stsChange.body.message).toBe(
      "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    );
    // What may change does.
    const scaled = await h.apps.readNamespacedStatefulSet({
      name: 'db',
      namespace: 'kinds',
    });
    scaled.spec!.replicas = 3;
    expect(
      (
        await h.apps.replaceNamespacedStatefulSet({
          name: 'db',
          namespace: 'kinds',
          body: scaled,
        })
      ).spec?.replicas,
    ).toBe(3);

    const template = {
      metadata: { labels },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    };
    for (const [kind, create, read, replace] of [
      [
        'Deployment',
        h.apps.createNamespacedDeployment.bind(h.apps),
        h.apps.readNamespacedDeployment.bind(h.apps),
        h.apps.replaceNamespacedDeployment.bind(h.apps),
      ],
      [
        'DaemonSet',
        h.apps.createNamespacedDaemonSet.bind(h.apps),
        h.apps.readNamespacedDaemonSet.bind(h.apps),
        h.apps.replaceNamespacedDaemonSet.bind(h.apps),
      ],
    ] as const) {
      await (create as any)({
        namespace: 'kinds',
        body: {
          metadata: { name: 'web' },
          spec: { selector: { matchLabels: labels }, template },
        },
      });
      const current: any = await (read as any)({
        name: 'web',
        namespace: 'kinds',
      });
      // Unconditional, as the controllers write the status meanwhile.
      delete current.metadata.resourceVersion;
      current.spec.selector = { matchLabels: { app: 'db', tier: 'web' } };
      current.spec.template.metadata.labels = { app: 'db', tier: 'web' };
      const changed = await failure(
        (replace as any)({ name: 'web', namespace: 'kinds', body: current }),
      );
      expect(changed.code).toBe(422);
      expect(changed.body.message).toBe(
        `${kind}.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"db","tier":"web"}}: field is immutable`,
      );
    }
  });

  it('stores a CronJob and checks its schedule, name length and restart policy', async () => {
    const batch = h.kc.makeApiClient(BatchV1Api);
    const cronJob = (
      name: string,
      schedule: string,
      restartPolicy = 'OnFailure',
    ) => ({
      metadata: { name },
      spec: {
        schedule,
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy,
                containers: [{ name: 'backup', image: 'velero:1.14' }],
              },
            },
          },
        },
      },
    });
    const created = await batch.createNamespacedCronJob({
      namespace: 'kinds',
      body: cronJob('nightly', '30 2 * * MON-FRI'),
    });
    expect(created.spec?.concurrencyPolicy).toBe('Allow');
    const fields = await failure(
      batch.createNamespacedCronJob({
        namespace: 'kinds',
        body: cronJob('every-minute', '* * *'),
      }),
    );
    expect(fields.body.message).toBe(
      'CronJob.batch "every-minute" is invalid: spec.schedule: Invalid value: "* * *": expected exactly 5 fields, found 3: [* * *]',
    );
    const range = await failure(
      batch.createNamespacedCronJob({
        namespace: 'kinds',
        body: cronJob('late', '0 25 * * *'),
      }),
    );
    expect(range.body.details.causes[0].message).toBe(
      'Invalid value: "0 25 * * *": end of range (25) above maximum (23): 25',
    );
    const longName = 'n'.repeat(53);
    const long = await failure(
      batch.createNamespacedCronJob({
        namespace: 'kinds',
        body: cronJob(longName, '@daily', 'Always'),
      }),
    );
    expect(
      long.body.details.causes.map((c: any) => `${c.field}: ${c.message}`),
    ).toEqual([
      `metadata.name: Invalid value: "${longName}": must be no more than 52 characters`,
      'spec.jobTemplate.spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"',
    ]);
  });

  it('stores roles and cluster role bindings, with the RBAC rules and an immutable roleRef', async () => {
    const rbac = h.kc.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createClusterRole({
      body: {
        metadata: { name: 'system:genai-reader' },
        rules: [
          { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
        ],
      },
    });
    const noVerbs = await failure(
      rbac.createNamespacedRole({
        namespace: 'kinds',
        body: {
          metadata: { name: 'reader' },
          rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }],
        },
      }),
    );
    expect(noVerbs.body.message).toBe(
      'Role.rbac.authorization.k8s.io "reader" is invalid: rules[0].verbs: Required value: verbs must contain at least one value',
    );
    const binding = {
      metadata: { name: 'genai-reader' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'system:genai-reader',
      },
      subjects: [
        { kind: 'ServiceAccount', name: 'portal', namespace: 'kinds' },
      ],
    };
    await rbac.createClusterRoleBinding({ body: binding });
    const noNamespace = await failure(
      rbac.createClusterRoleBinding({
        body: {
          ...binding,
          metadata: { name: 'other' },
          subjects: [{ kind: 'ServiceAccount', name: 'portal' }],
        },
      }),
    );
    expect(noNamespace.body.details.causes).toEqual([
      {
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'subjects[0].namespace',
      },
    ]);
    const stored = await rbac.readClusterRoleBinding({ name: 'genai-reader' });
    stored.roleRef.name = 'admin';
    const changed = await failure(
      rbac.replaceClusterRoleBinding({ name: 'genai-reader', body: stored }),
    );
    expect(changed.body.details.causes[0].message).toBe(
      'Invalid value: {"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"admin"}: cannot change roleRef',
    );
  });

  it('stores admission policies and bindings, refusing a binding without validation actions', async () => {
    const admission = h.kc.makeApiClient(AdmissionregistrationV1Api);
    const policy = await admission.createValidatingAdmissionPolicy({
      body: {
        metadata: { name: 'labels' },
        spec: {
          matchConstraints: {
            resourceRules: [
              {
                apiGroups: [''],
                apiVersions: ['v1'],
                operations: ['CREATE'],
                resources: ['namespaces'],
              },
            ],
          },
          validations: [{ expression: 'has(object.metadata.labels)' }],
        },
      },
    });
    expect(policy.spec?.failurePolicy).toBe('Fail');
    const bad = await failure(
      admission.createValidatingAdmissionPolicyBinding({
        body: { metadata: { name: 'labels' }, spec: { policyName: 'labels' } },
      }),
    );
    expect(bad.body.message).toBe(
      'ValidatingAdmissionPolicyBinding.admissionregistration.k8s.io "labels" is invalid: spec.validationActions: Required value: at least one validation action is required',
    );
    await admission.createValidatingAdmissionPolicyBinding({
      body: {
        metadata: { name: 'labels' },
        spec: { policyName: 'labels', validationActions: ['Deny'] },
      },
    });
  });

  it('stores priority classes and storage classes', async () => {
    const scheduling = h.kc.makeApiClient(SchedulingV1Api);
    await scheduling.createPriorityClass({
      body: { metadata: { name: 'training-low' }, value: 100 },
    });
    expect(
      (await scheduling.readPriorityClass({ name: 'training-low' })).value,
    ).toBe(100);
    const storage = h.kc.makeApiClient(StorageV1Api);
    const noProvisioner = await failure(
      storage.createStorageClass({
        body: { metadata: { name: 'fast' } } as any,
      }),
    );
    expect(noProvisioner.code).toBe(422);
    expect(noProvisioner.body.details.causes[0].field).toBe('provisioner');
  });
});
