import type { Capability } from '../../lib/Capability';
import { InferenceDeployer } from './InferenceDeployer';

/** Model server deployment: vLLM Deployments, Services and autoscalers in environments. */
export function createDeployCapability(
  options: ConstructorParameters<typeof InferenceDeployer>[0],
): Capability & { deployer: InferenceDeployer } {
  return { deployer: new InferenceDeployer(options) };
}
