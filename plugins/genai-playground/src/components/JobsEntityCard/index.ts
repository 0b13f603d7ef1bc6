export { JobsEntityCard } from './JobsEntityCard';
