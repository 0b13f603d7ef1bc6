import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemIcon from '@material-ui/core/ListItemIcon';
import ListItemText from '@material-ui/core/ListItemText';
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
    <List dense disablePadding data-testid="job-timeline">
      {props.timeline.map((entry, i) => (
        <ListItem key={i} disableGutters alignItems="flex-start">
          <ListItemIcon>
            <Box pt={0.5}>
              <JobsStatusChip status={entry.status} />
            </Box>
          </ListItemIcon>
          <ListItemText
            primary={
              <>
                {formatDateTime(entry.at)}
                {entry.reason ? ` · ${entry.reason}` : ''}
                {entry.actor ? ` · ${shortRef(entry.actor)}` : ''}
              </>
            }
            secondary={entry.message}
          />
        </ListItem>
      ))}
    </List>
  );
}
