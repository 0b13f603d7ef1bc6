export { Refusal, refusalText } from './Refusal';
