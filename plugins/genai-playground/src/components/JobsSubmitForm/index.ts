export { JobsSubmitForm, toSubmitRequest } from './JobsSubmitForm';
export type { JobsSubmitFormValues } from './JobsSubmitForm';
