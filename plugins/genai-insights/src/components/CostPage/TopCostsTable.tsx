import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type { CostTopEntry } from '@genai-portal/plugin-genai-insights-common';
import { teamName } from '@genai-portal/plugin-genai-insights-react';
import { formatMoney } from '../../lib/format';

/** The environments or models that cost most, most expensive first. */
export function TopCostsTable(props: {
  by: 'environment' | 'model';
  items: CostTopEntry[];
  currency: string;
}) {
  const { by, items, currency } = props;
  const title = by === 'environment' ? 'Top environments' : 'Top models';
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        {by === 'environment'
          ? 'No environment cost anything in this period.'
          : 'No model was called in this period.'}
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={title}>
      <TableHead>
        <TableRow>
          <TableCell>
            {by === 'environment' ? 'Environment' : 'Model'}
          </TableCell>
          <TableCell>Team</TableCell>
          <TableCell align="right">Cost</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {items.map(item => (
          <TableRow key={`${item.team}|${item.key}`}>
            <TableCell>
              {item.key ||
                (by === 'environment' ? '(no environment)' : '(no model)')}
            </TableCell>
            <TableCell>{teamName(item.team)}</TableCell>
            <TableCell align="right">
              {formatMoney(item.costMicros, currency)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
