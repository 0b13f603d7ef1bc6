/* Idle GPUs: held GPUs whose activity stays under the idle rule's threshold. */
export { findIdleSince, findIdleSinceInPoints } from './findIdleSince';
export type { IdleSinceOptions } from './findIdleSince';
export {
  DatabaseIdleEpisodeStore,
  idleCostMicros,
  publicEpisode,
} from './DatabaseIdleEpisodeStore';
export type {
  IdleObservation,
  StoredIdleEpisode,
} from './DatabaseIdleEpisodeStore';
export { IdleScanner, idleActivityQuery } from './IdleScanner';
export type {
  IdleMetricOptions,
  IdleScanResult,
  IdleScanStore,
  IdleScannerOptions,
} from './IdleScanner';
export {
  IDLE_GPUS_TOPIC,
  NotificationIdleNotifier,
  idleLink,
  idlePayload,
} from './IdleNotifier';
export type {
  IdleNotice,
  IdleNotifier,
  IdleRuleOptions,
  NotificationIdleNotifierOptions,
} from './IdleNotifier';
export {
  MeteredRequestActivity,
  PrometheusRequestActivity,
  anyRequestActivity,
} from './RequestActivity';
export type {
  PrometheusRequestActivityOptions,
  RequestActivity,
} from './RequestActivity';
export {
  IDLE_EPISODES_SOURCE_ID,
  IdleEpisodeFactSource,
} from './IdleEpisodeFactSource';
export { createIdleCapability } from './createIdleCapability';
export type { IdleCapabilityOptions } from './createIdleCapability';
