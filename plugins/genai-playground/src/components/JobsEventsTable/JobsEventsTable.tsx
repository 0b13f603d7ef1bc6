import { Table, TableColumn } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import type { JobClusterEvent } from '@genai-portal/plugin-genai-playground-common';
import { formatRelative } from '../../lib/format';

/**
 * The Kubernetes Events of a job's Job and pods: type, reason, object, message, count and when
 * last seen; warnings stand out.
 * @public
 */
export function JobsEventsTable(props: { events: JobClusterEvent[] }) {
  const columns: TableColumn<JobClusterEvent>[] = [
    {
      title: 'Type',
      field: 'type',
      render: e => (
        <Chip
          size="small"
          label={e.type}
          color={e.type === 'Warning' ? 'secondary' : 'default'}
        />
      ),
    },
    { title: 'Reason', field: 'reason', highlight: true },
    { title: 'Object', field: 'object' },
    {
      title: 'Message',
      field: 'message',
      render: e => (
        <Typography variant="body2" style={{ wordBreak: 'break-word' }}>
          {e.message}
        </Typography>
      ),
    },
    { title: 'Count', field: 'count', type: 'numeric' },
    {
      title: 'Last seen',
      field: 'lastSeen',
      defaultSort: 'desc',
      render: e => (e.lastSeen ? formatRelative(e.lastSeen) : '–'),
    },
  ];
  return (
    <Table<JobClusterEvent>
      title="Events"
      columns={columns}
      data={props.events}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No events: the cluster keeps them for an hour, and they go with the
          Job.
        </Typography>
      }
      options={{
        paging: props.events.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
    />
  );
}
