import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import { costAnnotationsCheck } from './costAnnotations';
import { deploymentProbesCheck } from './deploymentProbes';
import { gatekeeperAuditCheck } from './gatekeeperAudit';
import { gpuNotIdleCheck } from './gpuNotIdle';
import { gpuPoolPlacementCheck } from './gpuPoolPlacement';
import { imageRegistryAndTagCheck } from './imageRegistryAndTag';
import { kyvernoPolicyReportsCheck } from './kyvernoPolicyReports';
import { leaseNotExpiredCheck } from './leaseNotExpired';
import { limitRangeCheck } from './limitRange';
import { networkDefaultDenyCheck } from './networkDefaultDeny';
import { networkEgressLimitedCheck } from './networkEgressLimited';
import { createNetworkIngressAllowedOnlyCheck } from './networkIngressAllowedOnly';
import { pdbForReplicasCheck } from './pdbForReplicas';
import { podSecurityRestrictedCheck } from './podSecurityRestricted';
import { quotaGpuCheck } from './quotaGpu';
import { requiredLabelsCheck } from './requiredLabels';
import { resourcesRequestsLimitsCheck } from './resourcesRequestsLimits';

/**
 * Options of the built-in checks: where ingress to an environment may come from, as the
 * playground's network policies admit it.
 * @public
 */
export interface BuiltInChecksOptions {
  /** Namespaces of the gateway and the portal, selected by name. Default `genai-portal`. */
  gatewayNamespaces?: string[];
  /** Labels of the router's namespaces. Default `network.openshift.io/policy-group: ingress`. */
  routerNamespaceSelector?: Record<string, string>;
  /** The platform's own namespaces, which may admit one another by name. Default none. */
  platformNamespaces?: string[];
}

/**
 * The built-in checks, with the gateway's namespaces and the router's label as given.
 * @public
 */
export function createBuiltInChecks(
  options: BuiltInChecksOptions = {},
): ComplianceCheck[] {
  return [
    requiredLabelsCheck,
    podSecurityRestrictedCheck,
    resourcesRequestsLimitsCheck,
    gpuPoolPlacementCheck,
    networkDefaultDenyCheck,
    createNetworkIngressAllowedOnlyCheck(options),
    networkEgressLimitedCheck,
    quotaGpuCheck,
    limitRangeCheck,
    costAnnotationsCheck,
    imageRegistryAndTagCheck,
    deploymentProbesCheck,
    pdbForReplicasCheck,
    leaseNotExpiredCheck,
    gatekeeperAuditCheck,
    kyvernoPolicyReportsCheck,
    gpuNotIdleCheck,
  ];
}

/**
 * The built-in checks with their defaults (gateway namespace `genai-portal`).
 * @public
 */
export const builtInChecks: ComplianceCheck[] = createBuiltInChecks();
