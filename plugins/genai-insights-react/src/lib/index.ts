export { errorMessage, isNotAllowed } from './errors';
export {
  ACTIVITY_GRADIENT,
  activityColor,
  cardRange,
  formatActivity,
  formatGpuHours,
  type GpuTimeRange,
} from './gpu';
export { teamName, teamParam } from './teams';
