export {
  GenaiPlaygroundContent,
  GenaiPlaygroundPage,
} from './GenaiPlaygroundPage';
