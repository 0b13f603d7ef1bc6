import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import type {
  CostCategory,
  IdleCost,
} from '@genai-portal/plugin-genai-insights-common';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  formatCompactUnits,
  formatMoney,
  formatUnits,
  toUnits,
} from '../../lib/format';

const CATEGORY_LABELS: Record<CostCategory, string> = {
  gpu: 'GPUs',
  cpu: 'CPU',
  memory: 'Memory',
  storage: 'Storage',
  tokens: 'Tokens',
};

const ORDER: CostCategory[] = ['gpu', 'cpu', 'memory', 'storage', 'tokens'];

/** Reserved, used and idle cost per category: a grouped bar chart and its numbers. */
export function IdleCostChart(props: { items: IdleCost[]; currency: string }) {
  const { currency } = props;
  const items = [...props.items].sort(
    (a, b) => ORDER.indexOf(a.category) - ORDER.indexOf(b.category),
  );
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing was reserved or used in this period.
      </Typography>
    );
  }
  const rows = items.map(i => ({
    category: CATEGORY_LABELS[i.category] ?? i.category,
    reserved: toUnits(i.reservedMicros),
    used: toUnits(i.usedMicros),
    idle: toUnits(i.idleMicros),
  }));
  return (
    <>
      <div role="region" aria-label="Reserved, used and idle cost">
        <ResponsiveContainer
          width="100%"
          height={220}
          initialDimension={{ width: 500, height: 220 }}
        >
          <BarChart data={rows} margin={{ top: 8, right: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="category" />
            <YAxis
              width={80}
              tickFormatter={v => formatCompactUnits(Number(v), currency)}
            />
            <Tooltip
              formatter={(value, name) => [
                formatUnits(Number(value), currency),
                name,
              ]}
            />
            <Legend />
            <Bar
              isAnimationActive={false}
              dataKey="reserved"
              name="Reserved"
              fill="#1f77b4"
            />
            <Bar
              isAnimationActive={false}
              dataKey="used"
              name="Used"
              fill="#2ca02c"
            />
            <Bar
              isAnimationActive={false}
              dataKey="idle"
              name="Idle"
              fill="#d62728"
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <Table size="small" aria-label="Reserved, used and idle cost by category">
        <TableHead>
          <TableRow>
            <TableCell>Category</TableCell>
            <TableCell align="right">Reserved</TableCell>
            <TableCell align="right">Used</TableCell>
            <TableCell align="right">Idle</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(i => (
            <TableRow key={i.category}>
              <TableCell>{CATEGORY_LABELS[i.category] ?? i.category}</TableCell>
              <TableCell align="right">
                {formatMoney(i.reservedMicros, currency)}
              </TableCell>
              <TableCell align="right">
                {formatMoney(i.usedMicros, currency)}
              </TableCell>
              <TableCell align="right">
                {formatMoney(i.idleMicros, currency)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="caption" color="textSecondary">
        Idle is reserved minus used. Storage has no used basis yet, so all of it
        counts as idle; tokens are never idle.
      </Typography>
    </>
  );
}
