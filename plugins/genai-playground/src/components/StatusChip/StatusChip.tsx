import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';

/** What a status means for the user, which decides its colour. */
export type StatusTone =
  | 'ok'
  | 'running'
  | 'error'
  | 'warning'
  | 'pending'
  | 'ended';

const useStyles = makeStyles(theme => {
  // Backstage themes name status colours; plain MUI themes fall back to the palette.
  const status = (theme.palette as any).status ?? {};
  return {
    ok: {
      backgroundColor: status.ok ?? theme.palette.success?.main,
      color: theme.palette.common.white,
    },
    running: {
      backgroundColor: status.running ?? theme.palette.info?.main,
      color: theme.palette.common.white,
    },
    error: {
      backgroundColor: status.error ?? theme.palette.error.main,
      color: theme.palette.common.white,
    },
    warning: {
      backgroundColor: status.warning ?? theme.palette.warning?.main,
      color: theme.palette.common.black,
    },
    pending: {
      backgroundColor: status.pending ?? theme.palette.grey[500],
      color: theme.palette.common.white,
    },
    ended: {
      backgroundColor: theme.palette.grey[300],
      color: theme.palette.text.secondary,
    },
  };
});

/** A status as a small coloured chip, coloured by its tone. */
export function StatusChip(props: {
  label: string;
  tone: StatusTone;
  size?: 'small' | 'medium';
  'data-testid'?: string;
}) {
  const classes = useStyles();
  return (
    <Chip
      label={props.label}
      size={props.size ?? 'small'}
      className={classes[props.tone]}
      data-testid={props['data-testid']}
    />
  );
}
