export { ChatComposer } from './ChatComposer';
