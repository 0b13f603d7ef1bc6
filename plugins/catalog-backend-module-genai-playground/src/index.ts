/**
 * Catalog module of the GenAI Playground: every playground environment as a `Resource` entity.
 *
 * @packageDocumentation
 */
export { catalogModuleGenaiPlayground as default } from './module';
export {
  GENAI_PLAYGROUND_PROVIDER_NAME,
  GenaiPlaygroundEntityProvider,
  type GenaiPlaygroundEntityProviderOptions,
} from './providers/GenaiPlaygroundEntityProvider';
export {
  environmentToEntity,
  GENAI_PLAYGROUND_ANNOTATIONS,
} from './providers/environmentEntity';
