import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import type { CostComparison } from '@genai-portal/plugin-genai-insights-common';
import { formatPercent } from '../../lib/format';

/** A short "Up 12% from the same days before" line for the cards. */
export function ChangeLine(props: { comparison: CostComparison }) {
  const { changeRatio } = props.comparison;
  if (changeRatio === null || changeRatio === 0) {
    return null;
  }
  const up = changeRatio > 0;
  const Icon = up ? ArrowUpwardIcon : ArrowDownwardIcon;
  return (
    <Box display="flex" alignItems="center" mt={0.5}>
      <Icon
        fontSize="small"
        aria-hidden
        style={{ color: up ? '#d32f2f' : '#388e3c' }}
      />
      <Typography variant="caption">
        {up ? 'Up' : 'Down'} {formatPercent(changeRatio)} from as many days just
        before
      </Typography>
    </Box>
  );
}
