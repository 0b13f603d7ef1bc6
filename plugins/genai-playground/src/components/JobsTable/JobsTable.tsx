import { Link, Table, TableColumn } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { Job } from '@genai-portal/plugin-genai-playground-common';
import { ReactNode } from 'react';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { useJobLink } from '../../hooks/useJobLink';
import { formatRelative, shortRef } from '../../lib/format';
import {
  formatDuration,
  formatGpuHours,
  formatJobGpus,
  jobGpuHours,
  jobRuntimeSeconds,
} from '../../lib/jobFormat';
import { JobsStatusChip } from '../JobsStatusChip';

/** @public */
export type JobsTableColumn = 'environment' | 'owner' | 'team';

/** @public */
export interface JobsTableProps {
  title?: string;
  jobs: Job[];
  loading?: boolean;
  emptyContent?: ReactNode;
  /** Leave out columns that say the same for every row (the environment on its card). */
  hideColumns?: JobsTableColumn[];
  /** Rows per page; default 10. */
  pageSize?: number;
  /** The filters, above the table. */
  toolbar?: ReactNode;
}

/**
 * Jobs as a table: name, status (with the reason), environment, GPUs, runtime, GPU-hours, owner
 * and when they were submitted.
 * @public
 */
export function JobsTable(props: JobsTableProps) {
  const jobLink = useJobLink();
  const environmentLink = useEnvironmentLink();
  const hidden = new Set(props.hideColumns ?? []);
  const now = new Date();
  const columns: TableColumn<Job>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: job => {
        const href = jobLink(job.id);
        return href ? <Link to={href}>{job.name}</Link> : job.name;
      },
    },
    {
      title: 'Status',
      field: 'status',
      render: job => (
        <Tooltip title={job.statusMessage ?? ''}>
          <span>
            <JobsStatusChip status={job.status} />
            {job.reason && (
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {job.reason}
              </Typography>
            )}
          </span>
        </Tooltip>
      ),
    },
    ...(hidden.has('environment')
      ? []
      : [
          {
            title: 'Environment',
            field: 'environmentId',
            render: (job: Job) => {
              const href = environmentLink(job.environmentId);
              return href ? (
                <Link to={href}>{job.environmentId}</Link>
              ) : (
                job.environmentId
              );
            },
          },
        ]),
    ...(hidden.has('team')
      ? []
      : [
          {
            title: 'Team',
            field: 'team',
            render: (job: Job) => shortRef(job.team),
          },
        ]),
    {
      title: 'GPUs',
      field: 'gpus',
      type: 'numeric',
      customSort: (a, b) => a.gpus * a.pods - b.gpus * b.pods,
      render: job => formatJobGpus(job),
    },
    {
      title: 'Runtime',
      sorting: false,
      render: job => {
        const seconds = jobRuntimeSeconds(job, now);
        return seconds === undefined ? '–' : formatDuration(seconds);
      },
    },
    {
      title: 'GPU-hours',
      type: 'numeric',
      customSort: (a, b) => jobGpuHours(a, now) - jobGpuHours(b, now),
      render: job => formatGpuHours(jobGpuHours(job, now)),
    },
    ...(hidden.has('owner')
      ? []
      : [
          {
            title: 'Owner',
            field: 'owner',
            render: (job: Job) => shortRef(job.owner),
          },
        ]),
    {
      title: 'Submitted',
      field: 'submittedAt',
      defaultSort: 'desc',
      render: job => formatRelative(job.submittedAt, now),
    },
  ];
  const pageSize = props.pageSize ?? 10;
  return (
    <>
      {props.toolbar}
      <Table<Job>
        title={props.title}
        columns={columns}
        data={props.jobs}
        isLoading={props.loading}
        emptyContent={props.emptyContent}
        options={{
          paging: props.jobs.length > pageSize,
          pageSize,
          search: props.jobs.length > 5,
          padding: 'dense',
          toolbar: Boolean(props.title) || props.jobs.length > 5,
        }}
      />
    </>
  );
}
