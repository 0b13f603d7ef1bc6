export {
  InferencePage,
  InferenceContent,
  InferenceRootPage,
} from './InferenceRootPage';
