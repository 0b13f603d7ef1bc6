export type { AsyncResource } from './types';
export { useEnvironments } from './useEnvironments';
export { useEnvironment } from './useEnvironment';
export { useEnvironmentHistory } from './useEnvironmentHistory';
export { usePoolUsage } from './usePoolUsage';
export { useTeamQuotas } from './useTeamQuotas';
export { useSettings } from './useSettings';
