export { JobsDetailPage } from './JobsDetailPage';
