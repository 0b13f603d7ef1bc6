import { Table } from '@backstage/core-components';
import type { JobPod } from '@genai-portal/plugin-genai-playground-common';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { formatRelative } from '../../lib/format';

/** The job's pods: index, phase, exit code, restarts, node. */
export function JobPodsTable(props: { pods: JobPod[] }) {
  return (
    <Table<JobPod>
      title="Pods"
      data={props.pods}
      columns={[
        {
          title: 'Name',
          field: 'name',
          highlight: true,
          render: p => (
            <>
              {p.index !== undefined && (
                <Chip size="small" label={`#${p.index}`} />
              )}{' '}
              {p.name}
            </>
          ),
        },
        { title: 'Phase', field: 'phase' },
        { title: 'Reason', field: 'reason' },
        { title: 'Exit code', field: 'exitCode', type: 'numeric' },
        { title: 'Restarts', field: 'restarts', type: 'numeric' },
        { title: 'Node', field: 'node' },
        {
          title: 'Started',
          field: 'startedAt',
          render: p => (p.startedAt ? formatRelative(p.startedAt) : '–'),
        },
      ]}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No pods: not created yet, or gone with the Job.
        </Typography>
      }
      options={{ paging: false, search: false, padding: 'dense' }}
    />
  );
}
