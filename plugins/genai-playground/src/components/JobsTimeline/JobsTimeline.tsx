import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { JobTimelineEntry } from '@genai-portal/plugin-genai-playground-common';
import { formatDateTime, shortRef } from '../../lib/format';
import { JobsStatusChip } from '../JobsStatusChip';

/**
 * A job's status timeline, oldest first: each status (and waiting reason) with its time, who
 * caused it and why.
 * @public
 */
export function JobsTimeline(props: { timeline: JobTimelineEntry[] }) {
  if (props.timeline.length === 0) {
    return <Typography color="textSecondary">Nothing recorded yet.</Typography>;
  }
  return (
    <Box
      component="ul"
      m={0}
      p={0}
      style={{ listStyle: 'none' }}
      data-testid="job-timeline"
    >
      {props.timeline.map((entry, i) => (
        <Box
          component="li"
          key={i}
          display="flex"
          alignItems="flex-start"
          mb={1.5}
          style={{ gap: 12 }}
        >
          <Box flexShrink={0} width={88}>
            <JobsStatusChip status={entry.status} />
          </Box>
          <Box minWidth={0} style={{ overflowWrap: 'anywhere' }}>
            <Typography variant="body2">
              {formatDateTime(entry.at)}
              {entry.reason ? ` · ${entry.reason}` : ''}
              {entry.actor ? ` · ${shortRef(entry.actor)}` : ''}
            </Typography>
            {entry.message && (
              <Typography variant="caption" color="textSecondary">
                {entry.message}
              </Typography>
            )}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
