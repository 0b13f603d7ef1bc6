export { JobPodsTable } from './JobPodsTable';
