export { ModelScopeField } from './ModelScopeField';
