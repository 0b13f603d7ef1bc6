/**
 * Object validation: the JSON schema of each kind (through kubernetes-models,
 * the same OpenAPI definitions the API server is generated from) plus the
 * semantic rules from k8s.io/kubernetes/pkg/apis/.../validation that the
 * portal's objects can trip over: names, labels, container resources, Job
 * restart policies, selectors and immutable fields. Failures become 422
 * Invalid with one cause per field, as the server reports them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ResourceDef } from '../api/resources';
import { isQuantity, quantityValue } from '../quantity';
import { matchesSelector } from '../selectors';
import { cause, invalid, StatusCause } from '../status';
import { KubeObject } from '../types';
import { deepEqual } from '../util';
import { scheduleError } from './cronSchedule';
import { admissionPolicyCauses } from './validateAdmissionPolicies';
import { checkPathSegmentName, rbacCauses } from './validateRbac';

type ModelCtor = new (data: unknown) => { validate(): void };

const QUANTITY_MSG =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

let modelsRoot: string | undefined;

/**
 * kubernetes-models (and its @kubernetes-models dependencies) are ESM-only
 * with `import`-only exports, which CommonJS `require` by name cannot
 * resolve. Given the absolute path of a model file, Node 22 requires the ES
 * module natively; under Jest, jestResolver.cjs resolves the rest.
 */
function findModelsRoot(): string {
  if (modelsRoot) return modelsRoot;
  // Where Node would look for the package, then up from this file (src/ or dist/).
  const dirs = [...(require.resolve.paths?.('kubernetes-models') ?? [])];
  // eslint-disable-next-line no-restricted-syntax
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    dirs.push(path.join(dir, 'node_modules'));
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    const candidate = path.join(dir, 'kubernetes-models');
    if (fs.existsSync(path.join(candidate, 'package.json'))) {
      modelsRoot = candidate;
      return candidate;
    }
  }
  throw new Error('kubernetes-models is not installed');
}

const models = new Map<string, ModelCtor>();

function loadModel(model: string): ModelCtor {
  let ctor = models.get(model);
  if (!ctor) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(path.join(findModelsRoot(), `${model}.js`));
    ctor = mod[path.basename(model)] as ModelCtor;
    models.set(model, ctor);
  }
  return ctor;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  params: Record<string, any>;
  message?: string;
}

/** `/spec/containers/0/resources/limits/amd.com~1gpu` → `spec.containers[0].resources.limits[amd.com/gpu]` */
const MAP_FIELDS = new Set([
  'limits',
  'requests',
  'labels',
  'annotations',
  'data',
  'stringData',
  'binaryData',
  'nodeSelector',
  'hard',
  'matchLabels',
  'capacity',
  'allocatable',
  'default',
  'defaultRequest',
  'max',
  'min',
  'overhead',
]);

export function fieldPath(pointer: string): string {
  let out = '';
  let previous = '';
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (/^\d+$/.test(seg) || MAP_FIELDS.has(previous) || /[./]/.test(seg))
      out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
    previous = seg;
  }
  return out;
}

function valueAt(obj: unknown, pointer: string): unknown {
  let node: any = obj;
  for (const raw of pointer.split('/').slice(1)) {
    node = node?.[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

function schemaCauses(obj: KubeObject, errors: AjvError[]): StatusCause[] {
  const causes = new Map<string, StatusCause>();
  for (const e of errors) {
    if (e.keyword === 'required') {
      const field = fieldPath(`${e.instancePath}/${e.params.missingProperty}`);
      if (!causes.has(field)) causes.set(field, cause.required(field));
      continue;
    }
    const field = fieldPath(e.instancePath);
    if (causes.has(field)) continue;
    const value = valueAt(obj, e.instancePath);
    let why = e.message ?? 'invalid value';
    if (e.keyword === 'format' && e.params.format === 'quantity') {
      why = QUANTITY_MSG;
    } else if (e.keyword === 'enum') {
      why = `supported values: ${(e.params.allowedValues ?? [])
        .map((v: string) => `"${v}"`)
        .join(', ')}`;
    }
    causes.set(field, cause.invalid(field, value, why));
  }
  return [...causes.values()];
}

const SUBDOMAIN_RE =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035_RE = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE_RE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY_RE = /^[-._a-zA-Z0-9]+$/;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/** `path`: any path segment, as RBAC objects are named. */
export type NameRule = 'subdomain' | 'label' | 'dns1035' | 'path';

const NAME_RULES: Record<
  Exclude<NameRule, 'path'>,
  [RegExp, string, number]
> = {
  label: [LABEL_RE, LABEL_MSG, 63],
  dns1035: [DNS1035_RE, DNS1035_MSG, 63],
  subdomain: [SUBDOMAIN_RE, SUBDOMAIN_MSG, 253],
};

const PATH_NAMED = new Set([
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
]);

export function nameRule(def: ResourceDef): NameRule {
  if (def.plural === 'namespaces' || def.kind === 'StatefulSet') return 'label';
  if (def.plural === 'services') return 'dns1035';
  if (def.group === 'rbac.authorization.k8s.io' && PATH_NAMED.has(def.kind))
    return 'path';
  return 'subdomain';
}

export function checkName(
  name: string,
  rule: NameRule,
  field = 'metadata.name',
): StatusCause[] {
  if (rule === 'path') return checkPathSegmentName(name, field);
  const causes: StatusCause[] = [];
  const [re, msg, max] = NAME_RULES[rule];
  if (name.length > max) {
    causes.push(
      cause.invalid(field, name, `must be no more than ${max} characters`),
    );
  }
  if (!re.test(name)) causes.push(cause.invalid(field, name, msg));
  return causes;
}

function checkQualifiedKey(key: string, field: string): StatusCause[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (
    (slash >= 0 && (!SUBDOMAIN_RE.test(prefix) || prefix.length > 253)) ||
    name.length > 63 ||
    !QUALIFIED_NAME_RE.test(name)
  ) {
    return [
      cause.invalid(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    ];
  }
  return [];
}

function checkLabels(labels: unknown, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(
    (labels as Record<string, unknown>) ?? {},
  )) {
    causes.push(...checkQualifiedKey(key, field));
    if (
      typeof value !== 'string' ||
      value.length > 63 ||
      !LABEL_VALUE_RE.test(value)
    ) {
      causes.push(
        cause.invalid(
          field,
          value,
          typeof value === 'string' && value.length > 63
            ? 'must be no more than 63 characters'
            : LABEL_VALUE_MSG,
        ),
      );
    }
  }
  return causes;
}

const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'storage',
  'pods',
]);
const isExtended = (r: string) =>
  !STANDARD_RESOURCES.has(r) && !r.startsWith('hugepages-') && r.includes('/');

function checkContainers(
  containers: any[],
  field: string,
  kindOf: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const at = `${field}[${i}]`;
    if (!c?.name) causes.push(cause.required(`${at}.name`));
    else {
      causes.push(...checkName(c.name, 'label', `${at}.name`));
      if (names.has(c.name)) causes.push(cause.duplicate(`${at}.name`, c.name));
      names.add(c.name);
    }
    if (kindOf !== 'ephemeral' && !c?.image)
      causes.push(cause.required(`${at}.image`));
    const limits: Record<string, unknown> = c?.resources?.limits ?? {};
    const requests: Record<string, unknown> = c?.resources?.requests ?? {};
    for (const [kind, map] of [
      ['limits', limits],
      ['requests', requests],
    ] as const) {
      for (const [res, q] of Object.entries(map)) {
        if (!isQuantity(q)) {
          causes.push(
            cause.invalid(
              `${at}.resources.${kind}[${res}]`,
              q,
              "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
            ),
          );
        } else if (quantityValue(q as string) < 0) {
          causes.push(
            cause.invalid(
              `${at}.resources.${kind}[${res}]`,
              q,
              'must be greater than or equal to 0',
            ),
          );
        } else if (
          isExtended(res) &&
          !Number.isInteger(quantityValue(q as string))
        ) {
          causes.push(
            cause.invalid(
              `${at}.resources.${kind}[${res}]`,
              q,
              'must be an integer',
            ),
          );
        }
      }
    }
    for (const [res, q] of Object.entries(requests)) {
      if (!isQuantity(q)) continue;
      const limit = limits[res];
      if (isExtended(res)) {
        if (limit === undefined) {
          causes.push(cause.required(`${at}.resources.limits`));
          causes[causes.length - 1].message =
            'Required value: Limit must be set for non overcommitable resources';
        } else if (
          isQuantity(limit) &&
          quantityValue(limit as string) !== quantityValue(q as string)
        ) {
          causes.push(
            cause.invalid(
              `${at}.resources.requests[${res}]`,
              q,
              `must be equal to ${res} limit of ${limit}`,
            ),
          );
        }
      } else if (
        limit !== undefined &&
        isQuantity(limit) &&
        quantityValue(q as string) > quantityValue(limit as string)
      ) {
        causes.push(
          cause.invalid(
            `${at}.resources.requests`,
            q,
            `must be less than or equal to ${res} limit of ${limit}`,
          ),
        );
      }
    }
  });
  return causes;
}

function checkPodSpec(
  spec: any,
  field: string,
  restartPolicies: string[],
): StatusCause[] {
  if (!spec || typeof spec !== 'object') return [cause.required(field)];
  const causes: StatusCause[] = [];
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) {
    causes.push(cause.required(`${field}.containers`));
  } else {
    causes.push(
      ...checkContainers(spec.containers, `${field}.containers`, 'regular'),
    );
  }
  if (Array.isArray(spec.initContainers)) {
    causes.push(
      ...checkContainers(
        spec.initContainers,
        `${field}.initContainers`,
        'init',
      ),
    );
  }
  const policy = spec.restartPolicy;
  if (policy === undefined && restartPolicies.length === 2) {
    const c = cause.required(`${field}.restartPolicy`);
    c.message = 'Required value: valid values: "OnFailure", "Never"';
    causes.push(c);
  } else if (policy !== undefined && !restartPolicies.includes(policy)) {
    causes.push(
      cause.unsupported(`${field}.restartPolicy`, policy, restartPolicies),
    );
  }
  return causes;
}

function checkNonNegative(
  obj: any,
  fields: string[],
  prefix: string,
): StatusCause[] {
  const causes: StatusCause[] = [];
  for (const f of fields) {
    const v = obj?.[f];
    if (v !== undefined && v !== null && (typeof v !== 'number' || v < 0)) {
      causes.push(
        cause.invalid(
          `${prefix}.${f}`,
          v,
          'must be greater than or equal to 0',
        ),
      );
    }
  }
  return causes;
}

/** `owner`: how the message names the kind (ReplicaSets share the Deployment's). */
function selectorMatchesTemplate(
  obj: any,
  prefix: string,
  owner = 'deployment',
): StatusCause[] {
  const selector = obj.spec?.selector;
  const labels = obj.spec?.template?.metadata?.labels ?? {};
  if (
    !selector ||
    (Object.keys(selector.matchLabels ?? {}).length === 0 &&
      !(selector.matchExpressions ?? []).length)
  ) {
    const c = cause.invalid(
      `${prefix}.selector`,
      selector ?? {},
      `empty selector is invalid for ${owner}`,
    );
    return [c];
  }
  if (!matchesSelector(selector, labels)) {
    return [
      cause.invalid(
        `${prefix}.template.metadata.labels`,
        labels,
        '`selector` does not match template `labels`',
      ),
    ];
  }
  return [];
}

const ACCESS_MODES = [
  'ReadOnlyMany',
  'ReadWriteMany',
  'ReadWriteOnce',
  'ReadWriteOncePod',
];

/** A claim's spec, on its own or as a StatefulSet's volumeClaimTemplate. */
function claimSpecCauses(spec: any, prefix: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const modes: unknown[] = spec?.accessModes ?? [];
  if (!modes.length) {
    const c = cause.required(`${prefix}.accessModes`);
    c.message = 'Required value: at least 1 access mode is required';
    causes.push(c);
  }
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode as string)) {
      causes.push(
        cause.unsupported(`${prefix}.accessModes`, mode, ACCESS_MODES),
      );
    }
  }
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    causes.push(
      cause.forbidden(
        `${prefix}.accessModes`,
        'may not use ReadWriteOncePod with other access modes',
      ),
    );
  }
  const storage = spec?.resources?.requests?.storage;
  if (storage === undefined) {
    causes.push(cause.required(`${prefix}.resources[storage]`));
  } else if (isQuantity(storage) && !(quantityValue(storage as string) > 0)) {
    causes.push(
      cause.invalid(
        `${prefix}.resources[storage]`,
        storage,
        'must be greater than zero',
      ),
    );
  }
  return causes;
}

function statefulSetCauses(spec: any): StatusCause[] {
  const causes = checkPodSpec(spec?.template?.spec, 'spec.template.spec', [
    'Always',
  ]);
  causes.push(
    ...checkNonNegative(spec, ['replicas', 'minReadySeconds'], 'spec'),
  );
  const strategy = spec?.updateStrategy;
  if (strategy?.type === 'OnDelete' && strategy.rollingUpdate) {
    causes.push(
      cause.invalid(
        'spec.updateStrategy.rollingUpdate',
        strategy.rollingUpdate,
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  }
  causes.push(...selectorMatchesTemplate({ spec }, 'spec', 'statefulset'));
  if (spec?.template?.spec?.activeDeadlineSeconds !== undefined) {
    causes.push(
      cause.forbidden(
        'spec.template.spec.activeDeadlineSeconds',
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  }
  (spec?.volumeClaimTemplates ?? []).forEach((claim: any, i: number) => {
    causes.push(
      ...claimSpecCauses(claim?.spec, `spec.volumeClaimTemplates[${i}].spec`),
    );
  });
  return causes;
}

function cronJobCauses(obj: any): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = obj.metadata?.name ?? '';
  if (name.length > 52) {
    // The controller appends an 11-character suffix to name each Job, which must fit 63.
    causes.push(
      cause.invalid(
        'metadata.name',
        name,
        'must be no more than 52 characters',
      ),
    );
  }
  const schedule = obj.spec?.schedule;
  if (!schedule) causes.push(cause.required('spec.schedule'));
  else {
    const why = scheduleError(schedule);
    if (why) causes.push(cause.invalid('spec.schedule', schedule, why));
    if (schedule.includes('TZ')) {
      causes.push(
        cause.invalid(
          'spec.schedule',
          schedule,
          'cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
        ),
      );
    }
  }
  causes.push(
    ...checkNonNegative(
      obj.spec,
      [
        'startingDeadlineSeconds',
        'successfulJobsHistoryLimit',
        'failedJobsHistoryLimit',
      ],
      'spec',
    ),
  );
  causes.push(
    ...checkPodSpec(
      obj.spec?.jobTemplate?.spec?.template?.spec,
      'spec.jobTemplate.spec.template.spec',
      ['OnFailure', 'Never'],
    ),
  );
  return causes;
}

/** Kind-specific rules, beyond the schema. */
function semanticCauses(def: ResourceDef, obj: any): StatusCause[] {
  switch (def.kind) {
    case 'Pod':
      return checkPodSpec(obj.spec, 'spec', ['Always', 'OnFailure', 'Never']);
    case 'Job': {
      const causes = checkPodSpec(
        obj.spec?.template?.spec,
        'spec.template.spec',
        ['OnFailure', 'Never'],
      );
      causes.push(
        ...checkNonNegative(
          obj.spec,
          [
            'parallelism',
            'completions',
            'backoffLimit',
            'ttlSecondsAfterFinished',
          ],
          'spec',
        ),
      );
      const deadline = obj.spec?.activeDeadlineSeconds;
      if (deadline !== undefined && !(deadline > 0)) {
        causes.push(
          cause.invalid(
            'spec.activeDeadlineSeconds',
            deadline,
            'must be greater than 0',
          ),
        );
      }
      const mode = obj.spec?.completionMode;
      if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') {
        causes.push(
          cause.unsupported('spec.completionMode', mode, [
            'NonIndexed',
            'Indexed',
          ]),
        );
      }
      if (
        mode === 'Indexed' &&
        (obj.spec?.completions === undefined || obj.spec?.completions === null)
      ) {
        causes.push(cause.required('spec.completions'));
        causes[causes.length - 1].message =
          'Required value: when completion mode is Indexed';
      }
      return causes;
    }
    case 'Deployment':
    case 'ReplicaSet': {
      const causes = checkPodSpec(
        obj.spec?.template?.spec,
        'spec.template.spec',
        ['Always'],
      );
      causes.push(...checkNonNegative(obj.spec, ['replicas'], 'spec'));
      causes.push(...selectorMatchesTemplate(obj, 'spec'));
      return causes;
    }
    case 'StatefulSet':
      return statefulSetCauses(obj.spec);
    case 'DaemonSet': {
      const causes = checkPodSpec(
        obj.spec?.template?.spec,
        'spec.template.spec',
        ['Always'],
      );
      causes.push(...selectorMatchesTemplate(obj, 'spec', 'daemonset'));
      causes.push(...checkNonNegative(obj.spec, ['minReadySeconds'], 'spec'));
      if (obj.spec?.template?.spec?.activeDeadlineSeconds !== undefined) {
        causes.push(
          cause.invalid(
            'spec.template.spec.activeDeadlineSeconds',
            obj.spec.template.spec.activeDeadlineSeconds,
            'activeDeadlineSeconds in DaemonSet is not Supported',
          ),
        );
      }
      return causes;
    }
    case 'CronJob':
      return cronJobCauses(obj);
    case 'PersistentVolumeClaim':
      return claimSpecCauses(obj.spec, 'spec');
    case 'Role':
    case 'ClusterRole':
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return rbacCauses(def.kind, obj);
    case 'ValidatingAdmissionPolicy':
    case 'ValidatingAdmissionPolicyBinding':
      return admissionPolicyCauses(def.kind, obj);
    case 'Service': {
      const causes: StatusCause[] = [];
      const ports = obj.spec?.ports;
      if (
        obj.spec?.type !== 'ExternalName' &&
        obj.spec?.clusterIP !== 'None' &&
        (!Array.isArray(ports) || !ports.length)
      ) {
        causes.push(cause.required('spec.ports'));
      }
      (Array.isArray(ports) ? ports : []).forEach((p: any, i: number) => {
        if (!(p?.port >= 1 && p?.port <= 65535)) {
          causes.push(
            cause.invalid(
              `spec.ports[${i}].port`,
              p?.port,
              'must be between 1 and 65535, inclusive',
            ),
          );
        }
      });
      return causes;
    }
    case 'ConfigMap':
    case 'Secret': {
      const causes: StatusCause[] = [];
      for (const field of ['data', 'stringData', 'binaryData']) {
        for (const key of Object.keys(obj[field] ?? {})) {
          if (!CONFIG_KEY_RE.test(key)) {
            causes.push(
              cause.invalid(
                `${field}[${key}]`,
                key,
                "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
              ),
            );
          }
        }
      }
      if (def.kind === 'Secret') {
        for (const [key, value] of Object.entries(obj.data ?? {})) {
          if (
            typeof value !== 'string' ||
            !/^[A-Za-z0-9+/]*={0,2}$/.test(value)
          ) {
            causes.push(
              cause.invalid(`data[${key}]`, value, 'illegal base64 data'),
            );
          }
        }
      }
      return causes;
    }
    case 'Route': {
      const causes: StatusCause[] = [];
      if (!obj.spec?.to?.name) causes.push(cause.required('spec.to.name'));
      const kind = obj.spec?.to?.kind;
      if (kind !== undefined && kind !== 'Service') {
        causes.push(cause.unsupported('spec.to.kind', kind, ['Service']));
      }
      if (obj.spec?.host && !SUBDOMAIN_RE.test(obj.spec.host)) {
        causes.push(cause.invalid('spec.host', obj.spec.host, SUBDOMAIN_MSG));
      }
      return causes;
    }
    case 'HorizontalPodAutoscaler': {
      const causes: StatusCause[] = [];
      const { minReplicas, maxReplicas } = obj.spec ?? {};
      if (minReplicas !== undefined && minReplicas < 1) {
        causes.push(
          cause.invalid(
            'spec.minReplicas',
            minReplicas,
            'must be greater than or equal to 1',
          ),
        );
      }
      if (typeof maxReplicas === 'number' && maxReplicas < (minReplicas ?? 1)) {
        causes.push(
          cause.invalid(
            'spec.maxReplicas',
            maxReplicas,
            'must be greater than or equal to `minReplicas`',
          ),
        );
      }
      return causes;
    }
    case 'ResourceQuota':
    case 'LimitRange': {
      const causes: StatusCause[] = [];
      const maps: Array<[string, unknown]> =
        def.kind === 'ResourceQuota'
          ? [['spec.hard', obj.spec?.hard]]
          : (obj.spec?.limits ?? []).flatMap((l: any, i: number) =>
              [
                'max',
                'min',
                'default',
                'defaultRequest',
                'maxLimitRequestRatio',
              ].map(
                k => [`spec.limits[${i}].${k}`, l?.[k]] as [string, unknown],
              ),
            );
      for (const [field, map] of maps) {
        for (const [res, q] of Object.entries(
          (map as Record<string, unknown>) ?? {},
        )) {
          if (!isQuantity(q)) {
            causes.push(
              cause.invalid(
                `${field}[${res}]`,
                q,
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
              ),
            );
          }
        }
      }
      return causes;
    }
    default:
      return [];
  }
}

/** Fields that may not change on update. */
function immutableCauses(def: ResourceDef, obj: any, old: any): StatusCause[] {
  const same = deepEqual;
  switch (def.kind) {
    case 'Job': {
      const causes: StatusCause[] = [];
      if (!same(obj.spec?.selector, old.spec?.selector)) {
        causes.push(
          cause.invalid(
            'spec.selector',
            obj.spec?.selector,
            'field is immutable',
          ),
        );
      }
      if (!same(obj.spec?.template, old.spec?.template)) {
        causes.push(
          cause.invalid(
            'spec.template',
            obj.spec?.template,
            'field is immutable',
          ),
        );
      }
      if (!same(obj.spec?.completions, old.spec?.completions)) {
        causes.push(
          cause.invalid(
            'spec.completions',
            obj.spec?.completions,
            'field is immutable',
          ),
        );
      }
      return causes;
    }
    case 'Pod': {
      // Only images, activeDeadlineSeconds and added tolerations may change.
      const strip = (spec: any) => ({
        ...spec,
        containers: (spec?.containers ?? []).map((c: any) => ({
          ...c,
          image: undefined,
        })),
        initContainers: (spec?.initContainers ?? []).map((c: any) => ({
          ...c,
          image: undefined,
        })),
        activeDeadlineSeconds: undefined,
        tolerations: undefined,
      });
      if (!same(strip(obj.spec), strip(old.spec))) {
        return [
          cause.forbidden(
            'spec',
            'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
          ),
        ];
      }
      return [];
    }
    case 'Deployment':
    case 'ReplicaSet':
      return same(obj.spec?.selector, old.spec?.selector)
        ? []
        : [
            cause.invalid(
              'spec.selector',
              obj.spec?.selector,
              'field is immutable',
            ),
          ];
    case 'StatefulSet': {
      // Only these may change; the rest of the spec is fixed at create.
      const mutable = (spec: any) => ({
        ...spec,
        replicas: undefined,
        ordinals: undefined,
        template: undefined,
        updateStrategy: undefined,
        persistentVolumeClaimRetentionPolicy: undefined,
        minReadySeconds: undefined,
      });
      return same(mutable(obj.spec), mutable(old.spec))
        ? []
        : [
            cause.forbidden(
              'spec',
              "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
            ),
          ];
    }
    case 'DaemonSet':
      return same(obj.spec?.selector, old.spec?.selector)
        ? []
        : [
            cause.invalid(
              'spec.selector',
              obj.spec?.selector,
              'field is immutable',
            ),
          ];
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return same(obj.roleRef, old.roleRef)
        ? []
        : [cause.invalid('roleRef', obj.roleRef, 'cannot change roleRef')];
    case 'Service':
      return old.spec?.clusterIP &&
        obj.spec?.clusterIP &&
        obj.spec.clusterIP !== old.spec.clusterIP
        ? [
            cause.invalid(
              'spec.clusterIPs[0]',
              obj.spec.clusterIP,
              'may not change once set',
            ),
          ]
        : [];
    default:
      return [];
  }
}

/**
 * Validates an object about to be stored; `old` is the stored object on
 * update. Throws 422 Invalid listing every failing field.
 */
export function validateObject(
  def: ResourceDef,
  obj: KubeObject,
  old?: KubeObject,
): void {
  const name = obj.metadata?.name ?? '';
  const causes: StatusCause[] = [];
  if (!name) {
    const c = cause.required('metadata.name');
    c.message = 'Required value: name or generateName is required';
    causes.push(c);
  } else {
    causes.push(...checkName(name, nameRule(def)));
    if (def.kind === 'Job' && name.length > 63) {
      // The name becomes the job-name label value.
      causes.push(
        cause.invalid(
          'metadata.name',
          name,
          'must be no more than 63 characters',
        ),
      );
    }
  }
  if (def.namespaced && !obj.metadata?.namespace) {
    causes.push(cause.required('metadata.namespace'));
  }
  causes.push(...checkLabels(obj.metadata?.labels, 'metadata.labels'));
  for (const key of Object.keys(obj.metadata?.annotations ?? {})) {
    causes.push(...checkQualifiedKey(key, 'metadata.annotations'));
  }
  if (def.model) {
    try {
      new (loadModel(def.model))(obj).validate();
    } catch (e: any) {
      if (Array.isArray(e?.errors)) causes.push(...schemaCauses(obj, e.errors));
      else throw e;
    }
  }
  if (causes.length === 0) causes.push(...semanticCauses(def, obj));
  else explainRequired(causes, def, obj);
  if (old && causes.length === 0)
    causes.push(...immutableCauses(def, obj, old));
  if (causes.length > 0) {
    throw invalid(
      def,
      name || obj.metadata?.generateName || '',
      dedupe(causes),
    );
  }
}

/**
 * The schema only knows that a field is required; the kind's own rule may say why (`at least one
 * validation action is required`), and the server reports it that way.
 */
function explainRequired(causes: StatusCause[], def: ResourceDef, obj: any) {
  let semantic: StatusCause[];
  try {
    semantic = semanticCauses(def, obj);
  } catch {
    // The rules expect the schema's types; with other types there is no better message.
    return;
  }
  for (const c of causes) {
    const why = semantic.find(
      s => s.field === c.field && s.reason === c.reason,
    );
    if (c.reason === 'FieldValueRequired' && why) c.message = why.message;
  }
}

function dedupe(causes: StatusCause[]): StatusCause[] {
  const seen = new Set<string>();
  return causes.filter(c => {
    const key = `${c.field}|${c.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
