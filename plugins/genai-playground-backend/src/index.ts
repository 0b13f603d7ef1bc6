/**
 * The genai-playground backend plugin: self-service playground environments with GPU quotas.
 *
 * @packageDocumentation
 */
export { genaiPlaygroundPlugin as default } from './plugin';
export {
  environmentResourceRef,
  environmentPermissionRules,
  environmentConditions,
  createEnvironmentConditionalDecision,
  isInTeam,
  isOwner,
  type EnvironmentQuery,
} from './permissions/rules';
