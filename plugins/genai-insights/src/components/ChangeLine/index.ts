export { ChangeLine } from './ChangeLine';
