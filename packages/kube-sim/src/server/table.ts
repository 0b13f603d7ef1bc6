/**
 * Server-side printing: `kubectl get` asks for meta.k8s.io/v1 Table
 * (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`) and prints the
 * rows as they come, so these columns are what a person sees.
 */
import { ResourceDef } from '../api/resources';
import { KubeObject } from '../types';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (
  name: string,
  type = 'string',
  priority = 0,
  format = '',
): Column => ({
  name,
  type,
  format,
  description: name,
  priority,
});

/** kubectl's HumanDuration. */
export function age(ts: string | undefined, now = Date.now()): string {
  if (!ts) return '<unknown>';
  const s = Math.max(0, Math.floor((now - Date.parse(ts)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 ? `${m}m${s % 60}s` : `${m}m`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

export function podStatusReason(pod: KubeObject): string {
  let reason = pod.status?.reason || pod.status?.phase || 'Unknown';
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state?.terminated)
      reason = `ExitCode:${c.state.terminated.exitCode}`;
  }
  if (
    reason === 'Pending' &&
    pod.spec?.nodeName &&
    !pod.status?.containerStatuses
  )
    reason = 'ContainerCreating';
  if (pod.metadata.deletionTimestamp) reason = 'Terminating';
  return reason;
}

function jobStatus(job: KubeObject): string {
  const conds: any[] = job.status?.conditions ?? [];
  const has = (t: string) =>
    conds.some(c => c.type === t && c.status === 'True');
  if (has('Complete')) return 'Complete';
  if (has('Failed')) return 'Failed';
  if (job.metadata.deletionTimestamp) return 'Terminating';
  if (has('Suspended')) return 'Suspended';
  if (has('FailureTarget')) return 'FailureTarget';
  if (has('SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function duration(job: KubeObject, now: number): string {
  const start = job.status?.startTime;
  if (!start) return '';
  const end = job.status?.completionTime
    ? Date.parse(job.status.completionTime)
    : now;
  return age(new Date(Date.parse(start)).toISOString(), end);
}

function printer(def: ResourceDef): {
  columns: Column[];
  cells: (o: KubeObject, now: number) => unknown[];
} {
  const name = col('Name');
  const ageCol = col('Age');
  // The policy engines' CRDs, with their additionalPrinterColumns.
  if (def.group === 'constraints.gatekeeper.sh') {
    return {
      columns: [
        name,
        col('Enforcement-Action'),
        col('Total-Violations', 'integer'),
      ],
      cells: c => [
        c.metadata.name,
        c.spec?.enforcementAction ?? '',
        c.status?.totalViolations ?? null,
      ],
    };
  }
  switch (def.kind) {
    case 'PolicyReport':
    case 'ClusterPolicyReport':
      return {
        columns: [
          name,
          col('Kind', 'string', 1),
          col('Name', 'string', 1),
          ...['Pass', 'Fail', 'Warn', 'Error', 'Skip'].map(c =>
            col(c, 'integer'),
          ),
          ageCol,
        ],
        cells: (r, now) => [
          r.metadata.name,
          r.scope?.kind ?? '',
          r.scope?.name ?? '',
          ...['pass', 'fail', 'warn', 'error', 'skip'].map(
            k => r.summary?.[k] ?? null,
          ),
          age(r.metadata.creationTimestamp, now),
        ],
      };
    case 'ConstraintTemplate':
      return {
        columns: [name, ageCol],
        cells: (t, now) => [
          t.metadata.name,
          age(t.metadata.creationTimestamp, now),
        ],
      };
    case 'Pod':
      return {
        columns: [
          name,
          col('Ready'),
          col('Status'),
          col('Restarts'),
          ageCol,
          col('IP', 'string', 1),
          col('Node', 'string', 1),
        ],
        cells: (p, now) => {
          const statuses: any[] = p.status?.containerStatuses ?? [];
          const ready = statuses.filter(c => c.ready).length;
          const restarts = statuses.reduce(
            (n, c) => n + (c.restartCount ?? 0),
            0,
          );
          return [
            p.metadata.name,
            `${ready}/${(p.spec?.containers ?? []).length}`,
            podStatusReason(p),
            restarts,
            age(p.metadata.creationTimestamp, now),
            p.status?.podIP ?? '<none>',
            p.spec?.nodeName ?? '<none>',
          ];
        },
      };
    case 'Node':
      return {
        columns: [name, col('Status'), col('Roles'), ageCol, col('Version')],
        cells: (n, now) => {
          const ready = (n.status?.conditions ?? []).find(
            (c: any) => c.type === 'Ready',
          );
          const roles = Object.keys(n.metadata.labels ?? {})
            .filter(l => l.startsWith('node-role.kubernetes.io/'))
            .map(l => l.slice('node-role.kubernetes.io/'.length));
          let status = ready?.status === 'True' ? 'Ready' : 'NotReady';
          if (n.spec?.unschedulable) status += ',SchedulingDisabled';
          return [
            n.metadata.name,
            status,
            roles.join(',') || '<none>',
            age(n.metadata.creationTimestamp, now),
            n.status?.nodeInfo?.kubeletVersion ?? '',
          ];
        },
      };
    case 'Job':
      return {
        columns: [
          name,
          col('Status'),
          col('Completions'),
          col('Duration'),
          ageCol,
        ],
        cells: (j, now) => [
          j.metadata.name,
          jobStatus(j),
          j.spec?.completions !== undefined && j.spec?.completions !== null
            ? `${j.status?.succeeded ?? 0}/${j.spec.completions}`
            : `${j.status?.succeeded ?? 0}/1 of ${j.spec?.parallelism ?? 1}`,
          duration(j, now),
          age(j.metadata.creationTimestamp, now),
        ],
      };
    case 'Deployment':
      return {
        columns: [
          name,
          col('Ready'),
          col('Up-to-date', 'integer'),
          col('Available', 'integer'),
          ageCol,
        ],
        cells: (d, now) => [
          d.metadata.name,
          `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
          d.status?.updatedReplicas ?? 0,
          d.status?.availableReplicas ?? 0,
          age(d.metadata.creationTimestamp, now),
        ],
      };
    case 'ConfigMap':
      return {
        columns: [name, col('Data', 'integer'), ageCol],
        cells: (c, now) => [
          c.metadata.name,
          Object.keys(c.data ?? {}).length +
            Object.keys(c.binaryData ?? {}).length,
          age(c.metadata.creationTimestamp, now),
        ],
      };
    case 'Secret':
      return {
        columns: [name, col('Type'), col('Data', 'integer'), ageCol],
        cells: (c, now) => [
          c.metadata.name,
          c.type,
          Object.keys(c.data ?? {}).length,
          age(c.metadata.creationTimestamp, now),
        ],
      };
    case 'ServiceAccount':
      return {
        columns: [name, col('Secrets', 'integer'), ageCol],
        cells: (c, now) => [
          c.metadata.name,
          (c.secrets ?? []).length,
          age(c.metadata.creationTimestamp, now),
        ],
      };
    case 'Service':
      return {
        columns: [
          name,
          col('Type'),
          col('Cluster-IP'),
          col('External-IP'),
          col('Port(s)'),
          ageCol,
        ],
        cells: (c, now) => [
          c.metadata.name,
          c.spec?.type,
          c.spec?.clusterIP ?? '<none>',
          '<none>',
          (c.spec?.ports ?? [])
            .map((p: any) => `${p.port}/${p.protocol ?? 'TCP'}`)
            .join(',') || '<none>',
          age(c.metadata.creationTimestamp, now),
        ],
      };
    case 'ReplicaSet':
      return {
        columns: [
          name,
          col('Desired', 'integer'),
          col('Current', 'integer'),
          col('Ready', 'integer'),
          ageCol,
        ],
        cells: (r, now) => [
          r.metadata.name,
          r.spec?.replicas ?? 0,
          r.status?.replicas ?? 0,
          r.status?.readyReplicas ?? 0,
          age(r.metadata.creationTimestamp, now),
        ],
      };
    case 'PodDisruptionBudget':
      return {
        columns: [
          name,
          col('Min Available'),
          col('Max Unavailable'),
          col('Allowed Disruptions', 'integer'),
          ageCol,
        ],
        cells: (p, now) => [
          p.metadata.name,
          p.spec?.minAvailable ?? 'N/A',
          p.spec?.maxUnavailable ?? 'N/A',
          p.status?.disruptionsAllowed ?? 0,
          age(p.metadata.creationTimestamp, now),
        ],
      };
    case 'Route':
      return {
        columns: [
          name,
          col('Host/Port'),
          col('Path'),
          col('Services'),
          col('Port'),
          col('Termination'),
          col('Wildcard'),
        ],
        cells: r => [
          r.metadata.name,
          r.spec?.host ?? '',
          r.spec?.path ?? '',
          r.spec?.to?.name ?? '',
          r.spec?.port?.targetPort ?? '<all>',
          r.spec?.tls ? `${r.spec.tls.termination}` : '',
          r.spec?.wildcardPolicy ?? 'None',
        ],
      };
    case 'Namespace':
      return {
        columns: [name, col('Status'), ageCol],
        cells: (n, now) => [
          n.metadata.name,
          n.status?.phase ?? '',
          age(n.metadata.creationTimestamp, now),
        ],
      };
    case 'Event':
      return {
        columns: [
          col('Last Seen'),
          col('Type'),
          col('Reason'),
          col('Object'),
          col('Message'),
        ],
        cells: (e, now) => [
          age(
            e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp,
            now,
          ),
          e.type,
          e.reason,
          `${String(e.involvedObject?.kind ?? '').toLowerCase()}/${
            e.involvedObject?.name ?? ''
          }`,
          e.message,
        ],
      };
    default:
      return {
        columns: [name, col('Created At', 'date', 0, 'date-time')],
        cells: o => [o.metadata.name, o.metadata.creationTimestamp],
      };
  }
}

export function wantsTable(accept: string | undefined): boolean {
  return !!accept && /as=Table/.test(accept.split(',')[0]);
}

function rowObject(o: KubeObject, includeObject: string | undefined) {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return o;
  return {
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  };
}

export function toTable(
  def: ResourceDef,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  includeObject: string | undefined,
) {
  const { columns, cells } = printer(def);
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns,
    rows: objects.map(o => ({
      cells: cells(o, now),
      object: rowObject(o, includeObject),
    })),
  };
}
