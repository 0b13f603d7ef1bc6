import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  MonthlyCost,
  QuotaCostInput,
  RateCard,
} from '@genai-portal/plugin-genai-playground-common';
import { HOURS_PER_MONTH } from '@genai-portal/plugin-genai-playground-common';
import { formatAmount, formatMoney, formatRate } from '../../lib/format';

const useStyles = makeStyles(theme => ({
  total: {
    fontWeight: theme.typography.fontWeightBold as number,
    borderBottom: 'none',
  },
  rate: { color: theme.palette.text.secondary, display: 'block' },
  amount: { whiteSpace: 'nowrap', verticalAlign: 'top' },
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
  const rate = (n: number) => formatRate(n, cost.currency);
  const lines = [
    {
      label: 'GPU',
      basis: `${quota.gpus} × ${quota.gpuPool} at ${rate(
        rateCard.gpuHour[quota.gpuPool],
      )}/h × ${HOURS_PER_MONTH} h`,
      amount: cost.gpu,
    },
    {
      label: 'CPU',
      basis: `${formatAmount(quota.cpu)} cores at ${rate(
        rateCard.cpuCoreHour,
      )}/h`,
      amount: cost.cpu,
    },
    {
      label: 'Memory',
      basis: `${formatAmount(quota.memoryGi)} GiB at ${rate(
        rateCard.memoryGiHour,
      )}/h`,
      amount: cost.memory,
    },
    {
      label: 'Storage',
      basis: `${formatAmount(quota.storageGi ?? 0)} GiB at ${rate(
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
            <TableCell>
              {line.label}
              <Typography variant="caption" className={classes.rate}>
                {line.basis}
              </Typography>
            </TableCell>
            <TableCell align="right" className={classes.amount}>
              {money(line.amount)}
            </TableCell>
          </TableRow>
        ))}
        <TableRow data-testid="cost-total">
          <TableCell className={classes.total}>Total per month</TableCell>
          <TableCell
            className={`${classes.total} ${classes.amount}`}
            align="right"
          >
            {money(cost.total)}
          </TableCell>
        </TableRow>
      </TableBody>
    </Table>
  );
}
