export { JobsEventsTable } from './JobsEventsTable';
