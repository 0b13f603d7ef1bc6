import { Table, TableColumn } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentPod } from '@genai-portal/plugin-genai-playground-common';
import { formatRelative } from '../../lib/format';

const columns: TableColumn<EnvironmentPod>[] = [
  { title: 'Name', field: 'name', highlight: true },
  { title: 'Phase', field: 'phase' },
  { title: 'Node', field: 'node', render: pod => pod.node ?? '–' },
  { title: 'GPUs', field: 'gpus', type: 'numeric' },
  {
    title: 'Started',
    field: 'createdAt',
    render: pod => (pod.createdAt ? formatRelative(pod.createdAt) : '–'),
  },
];

/** The pods running in an environment: name, phase, node and GPUs. @public */
export function EnvironmentPodsTable(props: {
  pods: EnvironmentPod[];
  title?: string;
}) {
  return (
    <Table<EnvironmentPod>
      title={props.title ?? 'Pods'}
      columns={columns}
      data={props.pods.map(p => ({ ...p }))}
      options={{
        paging: props.pods.length > 10,
        pageSize: 10,
        search: false,
        padding: 'dense',
      }}
      emptyContent={
        <Typography color="textSecondary" style={{ padding: 16 }}>
          No pods are running in this environment.
        </Typography>
      }
    />
  );
}
