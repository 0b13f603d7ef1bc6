import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  BudgetStatus,
  CostDimension,
} from '@genai-portal/plugin-genai-insights-common';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  genaiInsightsApiRef,
  type GenaiInsightsScope,
  errorMessage,
  teamName,
} from '@genai-portal/plugin-genai-insights-react';
import { budgetSeries } from '../../lib/budgetSeries';
import { formatMoney, toUnits } from '../../lib/format';
import { canManageTeam } from '../../lib/teams';
import {
  RemoveBudgetDialog,
  SetBudgetDialog,
  type BudgetTarget,
} from '../BudgetDialogs';
import { ThresholdChips } from '../ThresholdChips';
import { BudgetChart } from './BudgetChart';

/** A row of the budgets table: a budget, or a selected team that has none yet. */
interface BudgetRow {
  id: string;
  scope: BudgetStatus['scope'];
  subject: string;
  status?: BudgetStatus;
}

const SCOPE_LABELS: Record<BudgetStatus['scope'], string> = {
  team: 'Team',
  environment: 'Environment',
  'cost-center': 'Cost center',
};

const SCOPE_ORDER: BudgetStatus['scope'][] = [
  'team',
  'environment',
  'cost-center',
];

/** The ledger dimension a budget's subject is a key of, for its daily cost. */
const SCOPE_DIMENSION: Record<BudgetStatus['scope'], CostDimension> = {
  team: 'team',
  environment: 'environment',
  'cost-center': 'costCenter',
};

function rowLabel(row: BudgetRow): string {
  return row.scope === 'team' ? teamName(row.subject) : row.subject;
}

/** The budgets of the selected teams this month, the burn-up of one, and their dialogs. */
export function BudgetsCard(props: {
  scope: GenaiInsightsScope;
  /** The selected teams; empty for all of the caller's. */
  teams: string[];
  budgets: BudgetStatus[];
  month: { month: string; start: number; end: number };
  now: Date;
  onChanged: () => void;
}) {
  const { scope, budgets, month, now, onChanged } = props;
  const api = useApi(genaiInsightsApiRef);
  const currency = budgets[0]?.currency ?? scope.currency;

  const rows = useMemo(() => {
    const list: BudgetRow[] = budgets.map(b => ({
      id: `${b.scope}|${b.subject}`,
      scope: b.scope,
      subject: b.subject,
      status: b,
    }));
    const teams = props.teams.length > 0 ? props.teams : scope.teams;
    for (const team of teams) {
      if (!list.some(r => r.scope === 'team' && r.subject === team)) {
        list.push({ id: `team|${team}`, scope: 'team', subject: team });
      }
    }
    return list.sort(
      (a, b) =>
        SCOPE_ORDER.indexOf(a.scope) - SCOPE_ORDER.indexOf(b.scope) ||
        rowLabel(a).localeCompare(rowLabel(b)),
    );
  }, [budgets, props.teams, scope.teams]);

  const charted = rows.filter(r => r.status);
  const [chartId, setChartId] = useState<string>();
  const chartRow = charted.find(r => r.id === chartId) ?? charted[0];

  const daily = useAsync(async () => {
    if (!chartRow) {
      return undefined;
    }
    return api.getCostOverTime({
      from: new Date(month.start).toISOString(),
      to: new Date(month.end).toISOString(),
      teams: props.teams.length > 0 ? props.teams : undefined,
      interval: 'day',
      stackBy: SCOPE_DIMENSION[chartRow.scope],
    });
  }, [api, chartRow?.id, month.start, month.end, props.teams.join(',')]);

  const [dialog, setDialog] = useState<{
    kind: 'set' | 'remove';
    target: BudgetTarget;
  }>();

  const canManage = (row: BudgetRow) =>
    row.scope === 'team'
      ? canManageTeam(scope, row.subject)
      : row.scope === 'cost-center' && scope.canManageAll;
  const targetOf = (row: BudgetRow): BudgetTarget => ({
    scope: row.scope === 'cost-center' ? 'cost-center' : 'team',
    subject: row.subject,
    label: rowLabel(row),
    currentAmount: row.status ? toUnits(row.status.budgetMicros) : undefined,
  });

  return (
    <InfoCard
      title="Budgets"
      subheader={`This month (${month.month}, UTC), in the chargeback basis`}
    >
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No budgets for these teams yet.
        </Typography>
      ) : (
        <Table size="small" aria-label="Budgets">
          <TableHead>
            <TableRow>
              <TableCell>Budget of</TableCell>
              <TableCell align="right">Month to date</TableCell>
              <TableCell align="right">Budget</TableCell>
              <TableCell align="right">Forecast</TableCell>
              <TableCell>Thresholds</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map(row => {
              const s = row.status;
              return (
                <TableRow key={row.id} data-testid={`budget-${row.id}`}>
                  <TableCell>
                    <Typography variant="body2">{rowLabel(row)}</Typography>
                    <Typography variant="caption" color="textSecondary">
                      {SCOPE_LABELS[row.scope]}
                    </Typography>
                  </TableCell>
                  <TableCell align="right">
                    {s ? formatMoney(s.monthToDateMicros, s.currency) : '—'}
                  </TableCell>
                  <TableCell align="right">
                    {s ? formatMoney(s.budgetMicros, s.currency) : 'No budget'}
                  </TableCell>
                  <TableCell align="right">
                    {s ? (
                      <>
                        {formatMoney(s.forecast.costMicros, s.currency)}
                        <Typography
                          variant="caption"
                          color="textSecondary"
                          component="div"
                        >
                          {formatMoney(s.forecast.lowMicros, s.currency)} to{' '}
                          {formatMoney(s.forecast.highMicros, s.currency)}
                        </Typography>
                      </>
                    ) : (
                      '—'
                    )}
                  </TableCell>
                  <TableCell>
                    {s && <ThresholdChips thresholds={s.thresholds} />}
                  </TableCell>
                  <TableCell align="right" style={{ whiteSpace: 'nowrap' }}>
                    {canManage(row) && (
                      <>
                        <Button
                          size="small"
                          color="primary"
                          onClick={() =>
                            setDialog({ kind: 'set', target: targetOf(row) })
                          }
                        >
                          Set budget
                        </Button>
                        {s && (
                          <Button
                            size="small"
                            onClick={() =>
                              setDialog({
                                kind: 'remove',
                                target: targetOf(row),
                              })
                            }
                          >
                            Remove budget
                          </Button>
                        )}
                      </>
                    )}
                  </TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      {chartRow?.status && (
        <Box mt={3}>
          {charted.length > 1 && (
            <TextField
              select
              id="genai-insights-budget-chart"
              label="Chart the budget of"
              value={chartRow.id}
              onChange={e => setChartId(e.target.value)}
              style={{ minWidth: 240 }}
            >
              {charted.map(r => (
                <MenuItem key={r.id} value={r.id}>
                  {rowLabel(r)} (
                  {SCOPE_LABELS[r.scope].toLocaleLowerCase('en-US')})
                </MenuItem>
              ))}
            </TextField>
          )}
          {daily.loading && <Progress />}
          {daily.error && (
            <Alert severity="error">{errorMessage(daily.error)}</Alert>
          )}
          {daily.value && (
            <BudgetChart
              status={chartRow.status}
              label={rowLabel(chartRow)}
              rows={budgetSeries({
                status: chartRow.status,
                daily: daily.value.points.filter(
                  p => p.key === chartRow.subject,
                ),
                monthStart: month.start,
                monthEnd: month.end,
                now,
              })}
            />
          )}
        </Box>
      )}
      {dialog?.kind === 'set' && (
        <SetBudgetDialog
          open
          target={dialog.target}
          currency={currency}
          onClose={() => setDialog(undefined)}
          onSaved={onChanged}
        />
      )}
      {dialog?.kind === 'remove' && (
        <RemoveBudgetDialog
          open
          target={dialog.target}
          onClose={() => setDialog(undefined)}
          onRemoved={onChanged}
        />
      )}
    </InfoCard>
  );
}
