import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { formatAmount } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  bar: {
    height: 6,
    borderRadius: 3,
    backgroundColor: theme.palette.action.hover,
  },
  ok: { backgroundColor: theme.palette.success?.main ?? '#1db954' },
  warn: { backgroundColor: theme.palette.warning?.main ?? '#ff9800' },
  full: { backgroundColor: theme.palette.error.main },
  unknown: { backgroundColor: theme.palette.grey[400] },
}));

/** @public */
export interface QuotaBarProps {
  /** What is measured, for the accessible name: "GPU", "CPU", "Memory". */
  label: string;
  /** In use; undefined while unknown (the cluster did not answer, or not loaded yet). */
  used?: number;
  /** The limit: a quota's hard value or a team's cap. */
  hard?: number;
  /** Shown after the numbers: "GiB", "cores". */
  unit?: string;
  /** Fixed width of the bar, for table cells. */
  width?: number | string;
}

/**
 * A thin bar of used versus hard with the numbers under it ("2 / 8 GPU"). Turns orange at 80 %
 * and red at 100 %.
 * @public
 */
export function QuotaBar(props: QuotaBarProps) {
  const { label, used, hard, unit, width } = props;
  const classes = useStyles();
  const known = used !== undefined && hard !== undefined;
  const ratio = known && hard! > 0 ? used! / hard! : 0;
  let tone = classes.unknown;
  if (known) {
    if (ratio >= 1) {
      tone = classes.full;
    } else if (ratio >= 0.8) {
      tone = classes.warn;
    } else {
      tone = classes.ok;
    }
  }
  const text = `${used === undefined ? '–' : formatAmount(used)} / ${
    hard === undefined ? '–' : formatAmount(hard)
  }${unit ? ` ${unit}` : ''}`;
  return (
    <Box width={width} minWidth={width ? undefined : 80}>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, ratio * 100)}
        aria-label={`${label} ${text}`}
        classes={{ root: classes.bar, bar: tone }}
      />
      <Typography variant="caption" color="textSecondary">
        {text}
      </Typography>
    </Box>
  );
}
