export { JobsTimeline } from './JobsTimeline';
