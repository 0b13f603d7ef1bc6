import type { UserInfoService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { KubernetesClient } from '../kubernetes/KubernetesClient';
import type { Capability } from '../lib/Capability';
import { EnvironmentProvisioner } from './EnvironmentProvisioner';
import {
  EnvironmentService,
  type EnvironmentServiceOptions,
} from './EnvironmentService';
import { TeamDirectory } from './TeamDirectory';

export interface EnvironmentsCapabilityOptions
  extends Omit<EnvironmentServiceOptions, 'provisioner' | 'teams'> {
  kube: KubernetesClient;
  /** Teams are the catalog's Groups, read with the caller's credentials. */
  catalog: CatalogService;
  userInfo: UserInfoService;
  /** For tests: called before each provisioning step. */
  beforeStep?: (kind: string, name: string) => Promise<void> | void;
}

/**
 * Environments: namespaces with their quota, limits, network policies and team role binding,
 * leased (`service`), and the lease check that notifies owners and deletes expired ones (a task).
 */
export function createEnvironmentsCapability(
  options: EnvironmentsCapabilityOptions,
): Capability & {
  service: EnvironmentService;
  provisioner: EnvironmentProvisioner;
} {
  const { kube, catalog, userInfo, beforeStep, ...serviceOptions } = options;
  const { config, logger } = options;
  const provisioner = EnvironmentProvisioner.create({
    kube,
    config,
    logger,
    beforeStep,
  });
  const service = EnvironmentService.create({
    ...serviceOptions,
    provisioner,
    teams: new TeamDirectory(catalog, userInfo),
  });
  return {
    service,
    provisioner,
    tasks: [
      {
        id: 'genai-playground-lease-check',
        frequency: { minutes: 1 },
        timeout: { minutes: 5 },
        initialDelay: { seconds: 30 },
        scope: 'global',
        fn: async () => {
          const { notified, expired } = await service.runLeaseCheck();
          if (notified.length || expired.length) {
            logger.info(
              `Lease check: notified ${notified.length}, deleted ${expired.length} expired environments`,
            );
          }
        },
      },
    ],
  };
}
