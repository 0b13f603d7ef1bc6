import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { JobStatus } from '@genai-portal/plugin-genai-playground-common';

const useStyles = makeStyles(theme => {
  const status = (theme.palette as any).status ?? {};
  return {
    Pending: {
      backgroundColor: status.pending ?? theme.palette.grey[500],
      color: theme.palette.common.white,
    },
    Running: {
      backgroundColor: status.running ?? theme.palette.info?.main,
      color: theme.palette.common.white,
    },
    Succeeded: {
      backgroundColor: status.ok ?? theme.palette.success?.main,
      color: theme.palette.common.white,
    },
    Failed: {
      backgroundColor: status.error ?? theme.palette.error.main,
      color: theme.palette.common.white,
    },
    Cancelled: {
      backgroundColor: theme.palette.grey[300],
      color: theme.palette.text.secondary,
    },
  };
});

/**
 * A job's status as a coloured chip: Pending grey, Running blue, Succeeded green, Failed red,
 * Cancelled light grey.
 * @public
 */
export function JobsStatusChip(props: {
  status: JobStatus;
  size?: 'small' | 'medium';
}) {
  const classes = useStyles();
  return (
    <Chip
      label={props.status}
      size={props.size ?? 'small'}
      className={classes[props.status]}
      data-testid={`job-status-${props.status}`}
    />
  );
}
