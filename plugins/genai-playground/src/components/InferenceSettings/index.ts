export { InferenceSettings } from './InferenceSettings';
export type { InferenceSettingsValues } from './InferenceSettings';
