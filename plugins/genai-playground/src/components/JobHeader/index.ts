export { JobHeader } from './JobHeader';
