export {
  Refusal,
  refusalText,
  type RefusalProps,
  type RefusalSubject,
} from './Refusal';
