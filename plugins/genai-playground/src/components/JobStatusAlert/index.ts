export { JobStatusAlert } from './JobStatusAlert';
