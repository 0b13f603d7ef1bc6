export { JobsRootContent, JobsRootPage } from './JobsRootPage';
