import { Link, Table, TableColumn } from '@backstage/core-components';
import type {
  Environment,
  EnvironmentWithDetails,
} from '@genai-portal/plugin-genai-playground-common';
import { ReactNode } from 'react';
import { useEnvironmentLink } from '../../hooks/useEnvironmentLink';
import { shortRef } from '../../lib/format';
import { environmentQuota } from '../../lib/environmentQuota';
import { EnvironmentStatusChip } from '../EnvironmentStatusChip';
import { ExpiryText } from '../ExpiryText';
import { QuotaBar } from '../QuotaBar';

type Row = Environment & { details?: EnvironmentWithDetails };

/** @public */
export interface EnvironmentsTableProps {
  title: string;
  environments: Environment[];
  /** Live quota usage by environment id, when loaded. */
  details?: Record<string, EnvironmentWithDetails>;
  loading?: boolean;
  emptyContent?: ReactNode;
  /** Leave out columns that say the same for every row (the team on a team's page). */
  hideColumns?: Array<'team' | 'owner'>;
}

/**
 * Environments as a table: name, team, pool, GPU/CPU/memory bars (used versus hard), status,
 * expiry and owner.
 * @public
 */
export function EnvironmentsTable(props: EnvironmentsTableProps) {
  const environmentLink = useEnvironmentLink();
  const rows: Row[] = props.environments.map(e => ({
    ...e,
    details: props.details?.[e.id],
  }));
  const bar = (
    row: Row,
    resource: 'gpus' | 'cpu' | 'memoryGi',
    label: string,
    unit?: string,
  ) => {
    const quota = environmentQuota(row.details ?? row)[resource];
    return (
      <QuotaBar
        label={`${row.name} ${label}`}
        used={quota.used}
        hard={quota.hard}
        unit={unit}
        width={110}
      />
    );
  };
  const hidden = new Set(props.hideColumns ?? []);
  const columns: TableColumn<Row>[] = [
    {
      title: 'Name',
      field: 'name',
      highlight: true,
      render: row => {
        const href = environmentLink(row.id);
        return href ? <Link to={href}>{row.name}</Link> : row.name;
      },
    },
    ...(hidden.has('team')
      ? []
      : [
          {
            title: 'Team',
            field: 'team',
            render: (row: Row) => shortRef(row.team),
          },
        ]),
    { title: 'Pool', field: 'gpuPool' },
    {
      title: 'GPU',
      sorting: false,
      render: row => bar(row, 'gpus', 'GPU'),
    },
    {
      title: 'CPU',
      sorting: false,
      render: row => bar(row, 'cpu', 'CPU', 'cores'),
    },
    {
      title: 'Memory',
      sorting: false,
      render: row => bar(row, 'memoryGi', 'memory', 'GiB'),
    },
    {
      title: 'Status',
      field: 'status',
      render: row => <EnvironmentStatusChip status={row.status} />,
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      defaultSort: 'asc',
      render: row => (
        <ExpiryText
          expiresAt={row.expiresAt}
          inactive={row.status === 'deleted' || row.status === 'deleting'}
        />
      ),
    },
    ...(hidden.has('owner')
      ? []
      : [
          {
            title: 'Owner',
            field: 'owner',
            render: (row: Row) => shortRef(row.owner),
          },
        ]),
  ];

  return (
    <Table<Row>
      title={props.title}
      columns={columns}
      data={rows}
      isLoading={props.loading}
      emptyContent={props.emptyContent}
      options={{
        paging: rows.length > 10,
        pageSize: 10,
        search: rows.length > 5,
        padding: 'dense',
      }}
    />
  );
}
