import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import { makeStyles } from '@material-ui/core/styles';
import type {
  MonthlyCost,
  QuotaCostInput,
  RateCard,
} from '@genai-portal/plugin-genai-playground-common';
import { HOURS_PER_MONTH } from '@genai-portal/plugin-genai-playground-common';
import { formatAmount, formatMoney } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  total: {
    fontWeight: theme.typography.fontWeightBold as number,
    borderBottom: 'none',
  },
  rate: { color: theme.palette.text.secondary },
}));

/**
 * The projected monthly cost by resource (GPU, CPU, memory, storage) and its total, with the
 * rate behind each line.
 * @public
 */
export function CostBreakdown(props: {
  cost: MonthlyCost;
  quota: QuotaCostInput;
  rateCard: RateCard;
}) {
  const { cost, quota, rateCard } = props;
  const classes = useStyles();
  const money = (n: number) => formatMoney(n, cost.currency);
  const lines = [
    {
      label: 'GPU',
      basis: `${quota.gpus} × ${quota.gpuPool} at ${money(
        rateCard.gpuHour[quota.gpuPool],
      )}/h × ${HOURS_PER_MONTH} h`,
      amount: cost.gpu,
    },
    {
      label: 'CPU',
      basis: `${formatAmount(quota.cpu)} cores at ${money(
        rateCard.cpuCoreHour,
      )}/h`,
      amount: cost.cpu,
    },
    {
      label: 'Memory',
      basis: `${formatAmount(quota.memoryGi)} GiB at ${money(
        rateCard.memoryGiHour,
      )}/h`,
      amount: cost.memory,
    },
    {
      label: 'Storage',
      basis: `${formatAmount(quota.storageGi ?? 0)} GiB at ${money(
        rateCard.storageGiMonth,
      )}/month`,
      amount: cost.storage,
    },
  ];
  return (
    <Table size="small" aria-label="Projected monthly cost">
      <TableBody>
        {lines.map(line => (
          <TableRow
            key={line.label}
            data-testid={`cost-${line.label.toLowerCase()}`}
          >
            <TableCell>{line.label}</TableCell>
            <TableCell className={classes.rate}>{line.basis}</TableCell>
            <TableCell align="right">{money(line.amount)}</TableCell>
          </TableRow>
        ))}
        <TableRow data-testid="cost-total">
          <TableCell className={classes.total}>Total</TableCell>
          <TableCell className={classes.total}>per month</TableCell>
          <TableCell className={classes.total} align="right">
            {money(cost.total)}
          </TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}
