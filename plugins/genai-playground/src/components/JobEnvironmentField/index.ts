export { JobEnvironmentField } from './JobEnvironmentField';
