import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { EnvironmentStatus } from '@genai-portal/plugin-genai-playground-common';

const useStyles = makeStyles(theme => {
  const status = (theme.palette as any).status ?? {};
  return {
    ready: {
      backgroundColor: status.ok ?? theme.palette.success?.main,
      color: theme.palette.common.white,
    },
    creating: {
      backgroundColor: status.running ?? theme.palette.info?.main,
      color: theme.palette.common.white,
    },
    failed: {
      backgroundColor: status.error ?? theme.palette.error.main,
      color: theme.palette.common.white,
    },
    deleting: {
      backgroundColor: status.warning ?? theme.palette.warning?.main,
      color: theme.palette.common.black,
    },
    deleted: {
      backgroundColor: theme.palette.grey[300],
      color: theme.palette.text.secondary,
    },
  };
});

/**
 * An environment's status as a coloured chip: ready green, creating blue, failed red, deleting
 * amber, deleted grey.
 * @public
 */
export function EnvironmentStatusChip(props: {
  status: EnvironmentStatus;
  size?: 'small' | 'medium';
}) {
  const classes = useStyles();
  return (
    <Chip
      label={props.status}
      size={props.size ?? 'small'}
      className={classes[props.status]}
      data-testid={`status-${props.status}`}
    />
  );
}
