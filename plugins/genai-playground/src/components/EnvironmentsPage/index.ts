export { EnvironmentsPage, CREATE_ENVIRONMENT_PATH } from './EnvironmentsPage';
