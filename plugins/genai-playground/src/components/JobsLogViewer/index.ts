export { JobsLogViewer } from './JobsLogViewer';
