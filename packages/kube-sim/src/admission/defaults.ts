/**
 * API defaulting (what the server fills in when decoding a write, from
 * k8s.io/kubernetes/pkg/apis/.../v1/defaults.go), for the fields clients
 * commonly read back. Applied on every create and update, so it is idempotent.
 */
import { ResourceDef } from '../api/resources';
import { KubeObject } from '../types';

const BASE_DOMAIN = 'apps.kube-sim.local';

function defaultContainer(c: any) {
  if (!c || typeof c !== 'object') return;
  const tag =
    String(c.image ?? '')
      .split('/')
      .pop() ?? '';
  const latest = !tag.includes(':') || tag.endsWith(':latest');
  c.imagePullPolicy ??=
    latest && !tag.includes('@') ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  // A limit without a request implies an equal request.
  if (c.resources.limits) {
    for (const [res, q] of Object.entries(c.resources.limits)) {
      c.resources.requests ??= {};
      if (c.resources.requests[res] === undefined)
        c.resources.requests[res] = q;
    }
  }
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e?.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
}

export function defaultPodSpec(spec: any, restartPolicy: string | undefined) {
  if (!spec || typeof spec !== 'object') return;
  if (restartPolicy) spec.restartPolicy ??= restartPolicy;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
}

function qosClass(spec: any): string {
  const containers = [
    ...(spec?.containers ?? []),
    ...(spec?.initContainers ?? []),
  ];
  let any = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c?.resources?.requests ?? {};
    const lim = c?.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || String(req[r] ?? lim[r]) !== String(lim[r]))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultPod(pod: KubeObject) {
  defaultPodSpec(pod.spec, 'Always');
  const spec = pod.spec;
  if (spec && typeof spec === 'object') {
    spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    // DefaultTolerationSeconds admission plugin.
    spec.tolerations ??= [];
    for (const key of [
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
    ]) {
      if (!spec.tolerations.some((t: any) => t?.key === key)) {
        spec.tolerations.push({
          key,
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        });
      }
    }
  }
  pod.status ??= {};
  pod.status.phase ??= 'Pending';
  pod.status.qosClass ??= qosClass(spec);
}

function defaultTemplate(obj: KubeObject, restartPolicy?: string) {
  obj.spec.template ??= {};
  obj.spec.template.metadata ??= {};
  defaultPodSpec(obj.spec.template.spec, restartPolicy);
}

const NO_SPEC = new Set([
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'PriorityClass',
  'StorageClass',
  'Event',
  // The wg-policy reports keep results at the top level.
  'PolicyReport',
  'ClusterPolicyReport',
]);

export function applyDefaults(def: ResourceDef, obj: KubeObject): void {
  if (!NO_SPEC.has(def.kind) && (obj.spec === undefined || obj.spec === null))
    obj.spec = {};
  const spec = obj.spec;
  switch (def.kind) {
    case 'Namespace':
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': obj.metadata.name ?? '',
      };
      obj.spec.finalizers ??= ['kubernetes'];
      obj.status ??= {};
      obj.status.phase ??= 'Active';
      break;
    case 'Pod':
      defaultPod(obj);
      break;
    case 'Job':
      if (spec.completions === undefined && spec.parallelism === undefined) {
        spec.completions = 1;
        spec.parallelism = 1;
      }
      spec.parallelism ??= 1;
      spec.backoffLimit ??= 6;
      spec.completionMode ??= 'NonIndexed';
      spec.suspend ??= false;
      spec.podReplacementPolicy ??= 'TerminatingOrFailed';
      spec.manualSelector ??= undefined;
      if (spec.manualSelector === undefined) delete spec.manualSelector;
      defaultTemplate(obj);
      break;
    case 'Deployment':
      spec.replicas ??= 1;
      spec.strategy ??= { type: 'RollingUpdate' };
      if (spec.strategy.type === 'RollingUpdate') {
        spec.strategy.rollingUpdate ??= {};
        spec.strategy.rollingUpdate.maxSurge ??= '25%';
        spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
      }
      spec.revisionHistoryLimit ??= 10;
      spec.progressDeadlineSeconds ??= 600;
      defaultTemplate(obj, 'Always');
      break;
    case 'ReplicaSet':
      spec.replicas ??= 1;
      defaultTemplate(obj, 'Always');
      break;
    case 'StatefulSet':
      spec.replicas ??= 1;
      spec.podManagementPolicy ??= 'OrderedReady';
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.partition ??= 0;
      }
      spec.revisionHistoryLimit ??= 10;
      spec.persistentVolumeClaimRetentionPolicy ??= {};
      spec.persistentVolumeClaimRetentionPolicy.whenDeleted ??= 'Retain';
      spec.persistentVolumeClaimRetentionPolicy.whenScaled ??= 'Retain';
      for (const claim of spec.volumeClaimTemplates ?? []) {
        if (claim?.spec) claim.spec.volumeMode ??= 'Filesystem';
      }
      defaultTemplate(obj, 'Always');
      break;
    case 'DaemonSet':
      spec.updateStrategy ??= { type: 'RollingUpdate' };
      if (spec.updateStrategy.type === 'RollingUpdate') {
        spec.updateStrategy.rollingUpdate ??= {};
        spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
        spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
      }
      spec.revisionHistoryLimit ??= 10;
      defaultTemplate(obj, 'Always');
      break;
    case 'CronJob': {
      spec.concurrencyPolicy ??= 'Allow';
      spec.suspend ??= false;
      spec.successfulJobsHistoryLimit ??= 3;
      spec.failedJobsHistoryLimit ??= 1;
      const job = spec.jobTemplate?.spec;
      if (job && typeof job === 'object') {
        job.backoffLimit ??= 6;
        job.completionMode ??= 'NonIndexed';
        job.suspend ??= false;
        job.template ??= {};
        job.template.metadata ??= {};
        defaultPodSpec(job.template.spec, undefined);
      }
      break;
    }
    case 'ValidatingAdmissionPolicy':
      spec.failurePolicy ??= 'Fail';
      break;
    case 'Service':
      spec.type ??= 'ClusterIP';
      spec.sessionAffinity ??= 'None';
      if (spec.type !== 'ExternalName') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
        spec.internalTrafficPolicy ??= 'Cluster';
      }
      for (const p of spec.ports ?? []) {
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
      obj.status ??= { loadBalancer: {} };
      break;
    case 'Secret':
      obj.type ??= 'Opaque';
      if (obj.stringData) {
        obj.data = { ...obj.data };
        for (const [k, v] of Object.entries(obj.stringData)) {
          obj.data[k] = Buffer.from(String(v)).toString('base64');
        }
        delete obj.stringData;
      }
      break;
    case 'LimitRange':
      for (const item of spec.limits ?? []) {
        if (item?.type !== 'Container') continue;
        item.default ??= {};
        item.defaultRequest ??= {};
        for (const [k, v] of Object.entries(item.max ?? {}))
          item.default[k] ??= v;
        for (const [k, v] of Object.entries(item.default))
          item.defaultRequest[k] ??= v;
        for (const [k, v] of Object.entries(item.min ?? {}))
          item.defaultRequest[k] ??= v;
        if (!Object.keys(item.default).length) delete item.default;
        if (!Object.keys(item.defaultRequest).length)
          delete item.defaultRequest;
      }
      break;
    case 'PersistentVolumeClaim':
      spec.volumeMode ??= 'Filesystem';
      obj.status ??= {};
      break;
    case 'Route': {
      const ns = obj.metadata.namespace;
      spec.host ??= `${obj.metadata.name}-${ns}.${BASE_DOMAIN}`;
      spec.wildcardPolicy ??= 'None';
      if (spec.to) {
        spec.to.kind ??= 'Service';
        spec.to.weight ??= 100;
      }
      break;
    }
    case 'HorizontalPodAutoscaler':
      spec.minReplicas ??= 1;
      obj.status ??= { currentReplicas: 0, desiredReplicas: 0 };
      break;
    case 'PodDisruptionBudget':
      obj.status ??= {
        disruptionsAllowed: 0,
        currentHealthy: 0,
        desiredHealthy: 0,
        expectedPods: 0,
      };
      break;
    default:
      break;
  }
}

/** The route host kube-sim admits routes with. */
export function routeIngress(obj: KubeObject) {
  return [
    {
      host: obj.spec?.host,
      routerName: 'default',
      wildcardPolicy: obj.spec?.wildcardPolicy ?? 'None',
      routerCanonicalHostname: `router-default.${BASE_DOMAIN}`,
      conditions: [
        {
          type: 'Admitted',
          status: 'True',
          lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        },
      ],
    },
  ];
}
