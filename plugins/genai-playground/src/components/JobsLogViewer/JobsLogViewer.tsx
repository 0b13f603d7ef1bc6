import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type { JobWithDetails } from '@genai-portal/plugin-genai-playground-common';
import { useJobLogs } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useRef, useState } from 'react';
import { errorMessage } from '../../lib/errors';

const useStyles = makeStyles(theme => ({
  logs: {
    margin: 0,
    padding: theme.spacing(1.5),
    maxHeight: 420,
    minHeight: 120,
    overflow: 'auto',
    backgroundColor: theme.palette.type === 'dark' ? '#111' : '#1e1e1e',
    color: '#e0e0e0',
    fontFamily: 'monospace',
    fontSize: 12,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
    borderRadius: 4,
  },
}));

/**
 * The logs of a job's pods: one pod at a time (the first by default), followed live while the
 * job runs (the view keeps to the end as lines arrive), read in full once it has ended.
 * @public
 */
export function JobsLogViewer(props: { job: JobWithDetails }) {
  const { job } = props;
  const classes = useStyles();
  const pods = job.podDetails;
  const [pod, setPod] = useState<string | undefined>(undefined);
  const selected = pod && pods.some(p => p.name === pod) ? pod : undefined;
  const live = job.status === 'Pending' || job.status === 'Running';
  const logs = useJobLogs(job.id, { pod: selected, live });
  const box = useRef<HTMLPreElement>(null);

  useEffect(() => {
    const el = box.current;
    if (el && logs.following) {
      el.scrollTop = el.scrollHeight;
    }
  }, [logs.text, logs.following]);

  let note: string | undefined;
  if (!logs.text && logs.error) {
    note = live
      ? `Waiting for the pod to start: ${errorMessage(logs.error)}`
      : errorMessage(logs.error);
  } else if (!logs.text) {
    note = live ? 'Waiting for output…' : 'No output.';
  }

  return (
    <InfoCard
      title="Logs"
      subheader={
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          {logs.following ? (
            <Chip size="small" color="primary" label="following" />
          ) : (
            <Chip size="small" label={live ? 'not streaming' : 'ended'} />
          )}
          <Typography variant="caption" color="textSecondary">
            {selected ?? pods[0]?.name ?? 'first pod'}
          </Typography>
        </Box>
      }
      action={
        pods.length > 1 ? (
          <FormControl size="small" style={{ minWidth: 220 }}>
            <InputLabel id="job-log-pod">Pod</InputLabel>
            <Select
              labelId="job-log-pod"
              value={selected ?? pods[0].name}
              onChange={e => setPod(String(e.target.value))}
            >
              {pods.map(p => (
                <MenuItem key={p.name} value={p.name}>
                  {p.index !== undefined ? `#${p.index} ` : ''}
                  {p.name}
                </MenuItem>
              ))}
            </Select>
          </FormControl>
        ) : undefined
      }
    >
      <pre ref={box} className={classes.logs} data-testid="job-logs">
        {logs.text || note}
      </pre>
    </InfoCard>
  );
}
