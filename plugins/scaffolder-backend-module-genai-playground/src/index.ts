/**
 * Scaffolder actions of the GenAI Playground: `genai:environment:create` and `genai:job:submit`.
 *
 * @packageDocumentation
 */
export { scaffolderModuleGenaiPlayground as default } from './module';
export {
  createGenaiEnvironmentCreateAction,
  environmentEntityRef,
  COST_CENTER_ANNOTATION,
  environmentPagePath,
  GENAI_ENVIRONMENT_CREATE_ACTION_ID,
  type GenaiEnvironmentCreateActionOptions,
} from './actions/genaiEnvironmentCreate';
export {
  createGenaiInferenceDeployAction,
  GATEWAY_PATH,
  GENAI_INFERENCE_DEPLOY_ACTION_ID,
  type GenaiInferenceDeployActionOptions,
} from './actions/genaiInferenceDeploy';
export {
  createGenaiJobSubmitAction,
  environmentIdOf,
  GENAI_JOB_SUBMIT_ACTION_ID,
  type GenaiJobSubmitActionOptions,
} from './actions/genaiJobSubmit';
