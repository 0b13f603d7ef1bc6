/**
 * The genai-playground backend plugin: self-service playground environments with GPU quotas.
 *
 * @packageDocumentation
 */
export { genaiPlaygroundPlugin as default } from './plugin';
export {
  gatewayFastLane,
  GATEWAY_PATH_PREFIX,
  type GatewayFastLaneContext,
} from './gatewayFastLane';
export {
  environmentResourceRef,
  environmentPermissionRules,
  environmentConditions,
  createEnvironmentConditionalDecision,
  isInTeam,
  isOwner,
  type EnvironmentQuery,
} from './permissions/rules';
