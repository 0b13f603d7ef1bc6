export {
  EnvironmentDetailPage,
  EnvironmentNotFound,
} from './EnvironmentDetailPage';
