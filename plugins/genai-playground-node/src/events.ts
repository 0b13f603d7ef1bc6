import type { Environment } from '@genai-portal/plugin-genai-playground-common';

/**
 * The events-service topic on which the genai-playground backend announces every change of an
 * environment, so that modules (the catalog entity provider) keep in step.
 * @public
 */
export const GENAI_PLAYGROUND_ENVIRONMENT_TOPIC =
  'genai-playground.environment';

/**
 * What changed. An environment that expires is announced as `delete` (its `status` is then
 * `deleted`); a creation that failed and was rolled back is not announced.
 * @public
 */
export type EnvironmentChangeAction = 'create' | 'extend' | 'delete';

/**
 * The payload of an event on {@link GENAI_PLAYGROUND_ENVIRONMENT_TOPIC}: the action and the
 * environment record as it is after the change.
 * @public
 */
export interface EnvironmentChangeEventPayload {
  action: EnvironmentChangeAction;
  environment: Environment;
}
