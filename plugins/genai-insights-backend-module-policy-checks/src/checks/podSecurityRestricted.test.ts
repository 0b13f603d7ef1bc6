import { evaluate, failedPaths } from '../__testUtils__/environment';
import { podSecurityRestrictedCheck as check } from './podSecurityRestricted';

const JOB_POD = 'Pod/bp-j-7f3a-x2k9d';
const C0 = 'spec.containers[0].securityContext';

describe('pod-security-restricted', () => {
  it.each([
    ['runAsNonRoot', false, 'is false'],
    ['allowPrivilegeEscalation', true, 'is true'],
    ['allowPrivilegeEscalation', undefined, 'is missing'],
    ['readOnlyRootFilesystem', false, 'is false'],
    ['readOnlyRootFilesystem', undefined, 'is missing'],
    ['privileged', true, 'is true'],
    ['runAsUser', 0, 'is 0 (root)'],
  ])('fails %s set to %p', async (field, value, message) => {
    await expect(
      evaluate(check, env => {
        env.pods[0].spec.containers[0].securityContext[field] = value;
      }),
    ).resolves.toEqual([
      {
        kind: 'Pod',
        name: 'bp-j-7f3a-x2k9d',
        fieldPath: `${C0}.${field}`,
        message,
      },
    ]);
  });

  it('fails runAsNonRoot missing on the container and the pod', async () => {
    await expect(
      evaluate(check, env => {
        delete env.pods[0].spec.containers[0].securityContext.runAsNonRoot;
        delete env.pods[0].spec.securityContext.runAsNonRoot;
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: `${C0}.runAsNonRoot`,
        message: 'is missing, and so is spec.securityContext.runAsNonRoot',
      }),
    ]);
  });

  it('takes runAsNonRoot and seccomp from the pod when the container leaves them out', async () => {
    await expect(
      failedPaths(check, env => {
        const context = env.pods[0].spec.containers[0].securityContext;
        delete context.runAsNonRoot;
        delete context.seccompProfile;
      }),
    ).resolves.toEqual([]);
    await expect(
      failedPaths(check, env => {
        const pod = env.pods[0].spec;
        delete pod.containers[0].securityContext.runAsNonRoot;
        delete pod.containers[0].securityContext.seccompProfile;
        pod.securityContext = {
          runAsNonRoot: false,
          seccompProfile: { type: 'Unconfined' },
        };
      }),
    ).resolves.toEqual([
      `${JOB_POD} spec.securityContext.runAsNonRoot`,
      `${JOB_POD} spec.securityContext.seccompProfile.type`,
    ]);
  });

  it('fails capabilities not dropping ALL or adding more than NET_BIND_SERVICE', async () => {
    await expect(
      evaluate(check, env => {
        env.pods[0].spec.containers[0].securityContext.capabilities = {
          drop: ['NET_RAW'],
          add: ['NET_BIND_SERVICE', 'SYS_ADMIN'],
        };
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: `${C0}.capabilities.drop`,
        message: 'is ["NET_RAW"], without ALL',
      }),
      expect.objectContaining({
        fieldPath: `${C0}.capabilities.add`,
        message: 'adds SYS_ADMIN',
      }),
    ]);
    await expect(
      failedPaths(check, env => {
        delete env.pods[0].spec.containers[0].securityContext.capabilities;
      }),
    ).resolves.toEqual([`${JOB_POD} ${C0}.capabilities.drop`]);
  });

  it('fails a seccomp profile other than RuntimeDefault or Localhost, or none', async () => {
    await expect(
      evaluate(check, env => {
        env.pods[0].spec.containers[0].securityContext.seccompProfile.type =
          'Unconfined';
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: `${C0}.seccompProfile.type`,
        message: "is 'Unconfined'",
      }),
    ]);
    await expect(
      failedPaths(check, env => {
        delete env.pods[0].spec.containers[0].securityContext.seccompProfile;
        delete env.pods[0].spec.securityContext;
      }),
    ).resolves.toEqual([`${JOB_POD} ${C0}.seccompProfile.type`]);
  });

  it('fails host namespaces and hostPath volumes', async () => {
    await expect(
      evaluate(check, env => {
        Object.assign(env.pods[1].spec, {
          hostNetwork: true,
          hostPID: true,
          hostIPC: true,
        });
        env.pods[1].spec.volumes.push({
          name: 'devices',
          hostPath: { path: '/dev' },
        });
      }),
    ).resolves.toEqual([
      expect.objectContaining({
        fieldPath: 'spec.hostNetwork',
        message: 'is true',
      }),
      expect.objectContaining({
        fieldPath: 'spec.hostPID',
        message: 'is true',
      }),
      expect.objectContaining({
        fieldPath: 'spec.hostIPC',
        message: 'is true',
      }),
      expect.objectContaining({
        name: 'llama-7c9d4-abcde',
        fieldPath: 'spec.volumes[2].hostPath',
        message: "mounts the host path '/dev'",
      }),
    ]);
  });

  it('checks every container, init containers too, by their own index', async () => {
    await expect(
      failedPaths(check, env => {
        const spec = env.pods[0].spec;
        spec.containers.push({ name: 'sidecar', image: 'quay.io/genai/s:1' });
        spec.initContainers = [
          {
            name: 'init',
            securityContext: { ...spec.containers[0].securityContext },
          },
        ];
        spec.initContainers[0].securityContext.allowPrivilegeEscalation = true;
      }),
    ).resolves.toEqual([
      `${JOB_POD} spec.initContainers[0].securityContext.allowPrivilegeEscalation`,
      `${JOB_POD} spec.containers[1].securityContext.allowPrivilegeEscalation`,
      `${JOB_POD} spec.containers[1].securityContext.readOnlyRootFilesystem`,
      `${JOB_POD} spec.containers[1].securityContext.capabilities.drop`,
    ]);
  });
});
