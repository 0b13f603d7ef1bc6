import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import {
  genaiInsightsApiRef,
  errorMessage,
  isNotAllowed,
  teamName,
  Refusal,
} from '@genai-portal/plugin-genai-insights-react';
import { useCostPageLink } from '../../hooks/useCostPageLink';
import { environmentIdOf, environmentTeamOf } from '../../lib/entities';
import { formatMoney } from '../../lib/format';
import { monthOf } from '../../lib/ranges';
import { BudgetBar } from '../BudgetBar';
import { ThresholdChips } from '../ThresholdChips';

/** The most rows `GET /cost/top` gives. */
const TOP_MAX = 100;

/**
 * An environment's cost this month on its page (a `playground-environment` Resource, named
 * after its namespace, which is the ledger's environment id), and its budget.
 * @public
 */
export function EntityEnvironmentCostCard() {
  const { entity } = useEntity();
  const environment = environmentIdOf(entity);
  const team = environmentTeamOf(entity);
  const api = useApi(genaiInsightsApiRef);
  const costLink = useCostPageLink();
  const [now] = useState(() => new Date());
  const month = useMemo(() => monthOf(now), [now]);

  // Environment budgets come from the environment's lifecycle; the backend lists them with the
  // team's budgets, as `scope: environment, subject: <environment id>`.
  const budgets = useAsync(
    async () =>
      team ? api.getBudgets({ month: month.month, teams: [team] }) : undefined,
    [api, month.month, team],
  );
  // The API has no per-environment filter (only `teams`), so the environment's cost is its row
  // in the team's environments ranked by cost: at most 100 rows, and a team has fewer
  // environments than that. A budget's month to date, when there is one, is exact anyway.
  const top = useAsync(
    async () =>
      team
        ? api.getTopCosts({
            from: new Date(month.start).toISOString(),
            to: now.toISOString(),
            teams: [team],
            by: 'environment',
            limit: TOP_MAX,
          })
        : undefined,
    [api, month.start, now, team],
  );

  const error = budgets.error ?? top.error;
  const status = budgets.value?.items.find(
    b => b.scope === 'environment' && b.subject === environment,
  );
  const row = top.value?.items.find(i => i.key === environment);
  const href = team ? costLink(team) : undefined;

  let body;
  if (!team) {
    body = (
      <Typography variant="body2" color="textSecondary">
        This environment names no owning team, so its costs cannot be looked up.
      </Typography>
    );
  } else if (error && isNotAllowed(error)) {
    body = <Refusal teams={[team]} message={errorMessage(error)} />;
  } else if (error) {
    body = <Alert severity="error">{errorMessage(error)}</Alert>;
  } else if (!budgets.value || !top.value) {
    body = <Progress />;
  } else {
    const currency = status?.currency ?? top.value.currency;
    let micros: number | undefined =
      status?.monthToDateMicros ?? row?.costMicros;
    if (micros === undefined && top.value.items.length < TOP_MAX) {
      micros = 0; // every environment of the team with a cost is listed
    }
    body = (
      <>
        <Typography
          variant="h5"
          component="p"
          data-testid="environment-cost-mtd"
        >
          {micros === undefined ? '—' : formatMoney(micros, currency)}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {status
            ? `of the ${formatMoney(
                status.budgetMicros,
                currency,
              )} monthly budget`
            : 'No budget for this environment (it is set when the environment is created)'}
        </Typography>
        {status && (
          <Box mt={2}>
            <BudgetBar status={status} />
            <Box mt={1}>
              <Typography variant="body2">
                Forecast {formatMoney(status.forecast.costMicros, currency)} at
                month end
              </Typography>
            </Box>
            <Box mt={1}>
              <ThresholdChips thresholds={status.thresholds} />
            </Box>
          </Box>
        )}
      </>
    );
  }

  return (
    <InfoCard
      title="Cost this month"
      subheader={`${month.month} (UTC), in the chargeback basis`}
      deepLink={
        href && team
          ? { title: `View ${teamName(team)}'s costs`, link: href }
          : undefined
      }
    >
      {body}
    </InfoCard>
  );
}
