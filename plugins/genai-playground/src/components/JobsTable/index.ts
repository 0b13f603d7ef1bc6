export { JobsTable } from './JobsTable';
export type { JobsTableProps, JobsTableColumn } from './JobsTable';
