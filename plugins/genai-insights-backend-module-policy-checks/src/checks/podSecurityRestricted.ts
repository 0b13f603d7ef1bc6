import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import {
  containersOf,
  failure,
  found,
  list,
  objectsOf,
  record,
  type Json,
} from './util';

const SECCOMP_ALLOWED = ['RuntimeDefault', 'Localhost'];
/** The only capability the restricted profile lets a container add. */
const ADDABLE_CAPABILITIES = ['NET_BIND_SERVICE'];

function podFailures(pod: Json): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const fail = (fieldPath: string, message: string) =>
    failures.push(failure(pod, 'Pod', fieldPath, message));
  const spec = record(pod.spec);
  const podContext = record(spec.securityContext);

  for (const key of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[key] === true) fail(`spec.${key}`, 'is true');
  }
  list(spec.volumes).forEach((volume, i) => {
    if (volume.hostPath !== undefined && volume.hostPath !== null) {
      const path = record(volume.hostPath).path;
      fail(
        `spec.volumes[${i}].hostPath`,
        typeof path === 'string'
          ? `mounts the host path '${path}'`
          : 'mounts a host path',
      );
    }
  });

  // A pod-level field that fails is reported once, not for every container inheriting it.
  const podLevel = new Set<string>();
  const failPodLevel = (field: string, message: string) => {
    if (!podLevel.has(field)) {
      podLevel.add(field);
      fail(`spec.securityContext.${field}`, message);
    }
  };

  if (podContext.runAsUser === 0) failPodLevel('runAsUser', 'is 0 (root)');

  for (const { container, path } of containersOf(spec, 'spec')) {
    const context = record(container.securityContext);
    const at = (field: string) => `${path}.securityContext.${field}`;

    // runAsNonRoot: the container's, else the pod's.
    if (context.runAsNonRoot !== undefined) {
      if (context.runAsNonRoot !== true) {
        fail(at('runAsNonRoot'), found(context.runAsNonRoot));
      }
    } else if (podContext.runAsNonRoot !== undefined) {
      if (podContext.runAsNonRoot !== true) {
        failPodLevel('runAsNonRoot', found(podContext.runAsNonRoot));
      }
    } else {
      fail(
        at('runAsNonRoot'),
        'is missing, and so is spec.securityContext.runAsNonRoot',
      );
    }
    if (context.runAsUser === 0) fail(at('runAsUser'), 'is 0 (root)');

    if (context.allowPrivilegeEscalation !== false) {
      fail(
        at('allowPrivilegeEscalation'),
        found(context.allowPrivilegeEscalation),
      );
    }
    if (context.privileged === true) fail(at('privileged'), 'is true');
    if (context.readOnlyRootFilesystem !== true) {
      fail(at('readOnlyRootFilesystem'), found(context.readOnlyRootFilesystem));
    }

    const capabilities = record(context.capabilities);
    const drop = Array.isArray(capabilities.drop) ? capabilities.drop : [];
    if (!drop.includes('ALL')) {
      fail(
        at('capabilities.drop'),
        capabilities.drop === undefined
          ? 'is missing (must drop ALL)'
          : `${found(capabilities.drop)}, without ALL`,
      );
    }
    const add = Array.isArray(capabilities.add) ? capabilities.add : [];
    const added = add.filter(c => !ADDABLE_CAPABILITIES.includes(c));
    if (added.length > 0) {
      fail(at('capabilities.add'), `adds ${added.map(String).join(', ')}`);
    }

    // seccompProfile.type: the container's, else the pod's.
    const containerSeccomp = record(context.seccompProfile).type;
    const podSeccomp = record(podContext.seccompProfile).type;
    if (containerSeccomp !== undefined) {
      if (!SECCOMP_ALLOWED.includes(containerSeccomp)) {
        fail(at('seccompProfile.type'), found(containerSeccomp));
      }
    } else if (podSeccomp !== undefined) {
      if (!SECCOMP_ALLOWED.includes(podSeccomp)) {
        failPodLevel('seccompProfile.type', found(podSeccomp));
      }
    } else {
      fail(
        at('seccompProfile.type'),
        'is missing, and so is spec.securityContext.seccompProfile.type',
      );
    }
  }
  return failures;
}

/** The Pod Security Standards' restricted profile, plus a read-only root filesystem. */
export const podSecurityRestrictedCheck: ComplianceCheck = {
  id: 'pod-security-restricted',
  title: 'Pod Security Standards: restricted',
  severity: 'critical',
  category: 'pod-security',
  looksAt:
    'every container of every Pod: runAsNonRoot, allowPrivilegeEscalation false, readOnlyRootFilesystem, capabilities drop ALL, seccompProfile RuntimeDefault, not privileged; and the Pod: no hostPath volumes, no hostNetwork, hostPID or hostIPC',
  remediation:
    'Set the restricted security context on every container (runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true with an emptyDir for writable paths, capabilities.drop: [ALL], seccompProfile.type: RuntimeDefault) and remove hostPath volumes and host namespaces.',
  evaluate(objects) {
    return objectsOf(objects).pods.flatMap(pod => podFailures(pod));
  },
};
