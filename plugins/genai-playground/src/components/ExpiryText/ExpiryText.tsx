import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatDateTime, formatRelative, hoursUntil } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  soon: { color: theme.palette.error.main, fontWeight: 500 },
}));

/** Below this many hours left, the expiry is shown in red. */
export const EXPIRY_WARNING_HOURS = 24;

/**
 * When a lease ends, relative ("in 3 days"), with the exact time in a tooltip; red when less
 * than a day is left or it has passed.
 * @public
 */
export function ExpiryText(props: {
  expiresAt: string;
  /** Deleted environments have no lease any more: shown plainly, never red. */
  inactive?: boolean;
}) {
  const classes = useStyles();
  const soon =
    !props.inactive && hoursUntil(props.expiresAt) < EXPIRY_WARNING_HOURS;
  const passed = hoursUntil(props.expiresAt) <= 0;
  return (
    <Tooltip title={formatDateTime(props.expiresAt)}>
      <Typography
        component="span"
        variant="body2"
        className={soon ? classes.soon : undefined}
        data-testid={soon ? 'expiry-soon' : 'expiry'}
      >
        {passed && !props.inactive ? 'expired ' : ''}
        {formatRelative(props.expiresAt)}
      </Typography>
    </Tooltip>
  );
}
