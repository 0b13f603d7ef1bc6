import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
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
  Refusal,
} from '@genai-portal/plugin-genai-insights-react';
import { useCostPageLink } from '../../hooks/useCostPageLink';
import { formatMoney, formatPercent } from '../../lib/format';
import { monthOf } from '../../lib/ranges';
import { BudgetBar } from '../BudgetBar';
import { ChangeLine } from '../ChangeLine';
import { ThresholdChips } from '../ThresholdChips';

/**
 * A team's cost this month on its `Group` page: the month to date against its budget, the
 * month-end forecast, a small bar of both, and a link to the cost page for the team.
 * @public
 */
export function EntityTeamCostCard() {
  const { entity } = useEntity();
  const team = stringifyEntityRef(entity);
  const api = useApi(genaiInsightsApiRef);
  const costLink = useCostPageLink();
  const [now] = useState(() => new Date());
  const month = useMemo(() => monthOf(now), [now]);

  const budgets = useAsync(
    () => api.getBudgets({ month: month.month, teams: [team] }),
    [api, month.month, team],
  );
  // The month to date, also without a budget, and against as many days just before.
  const comparison = useAsync(
    () =>
      api.getCostComparison({
        from: new Date(month.start).toISOString(),
        to: now.toISOString(),
        teams: [team],
      }),
    [api, month.start, now, team],
  );

  const error = budgets.error ?? comparison.error;
  const status = budgets.value?.items.find(
    b => b.scope === 'team' && b.subject === team,
  );
  const href = costLink(team);

  let body;
  if (error && isNotAllowed(error)) {
    body = <Refusal teams={[team]} message={errorMessage(error)} />;
  } else if (error) {
    body = <Alert severity="error">{errorMessage(error)}</Alert>;
  } else if (!budgets.value || !comparison.value) {
    body = <Progress />;
  } else {
    const c = comparison.value;
    body = (
      <>
        <Typography variant="h5" component="p" data-testid="team-cost-mtd">
          {formatMoney(
            status?.monthToDateMicros ?? c.current.costMicros,
            c.currency,
          )}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {status
            ? `of the ${formatMoney(
                status.budgetMicros,
                status.currency,
              )} budget (${formatPercent(
                status.budgetMicros === 0
                  ? 0
                  : status.monthToDateMicros / status.budgetMicros,
              )})`
            : 'No budget set for this team'}
        </Typography>
        <ChangeLine comparison={c} />
        {status && (
          <Box mt={2}>
            <BudgetBar status={status} />
            <Box mt={1}>
              <Typography variant="body2" data-testid="team-cost-forecast">
                Forecast{' '}
                {formatMoney(status.forecast.costMicros, status.currency)} at
                month end (
                {formatMoney(status.forecast.lowMicros, status.currency)} to{' '}
                {formatMoney(status.forecast.highMicros, status.currency)})
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
      deepLink={href ? { title: 'View costs', link: href } : undefined}
    >
      {body}
      {href && !error && budgets.value && !status && (
        <Box mt={1}>
          <Typography variant="caption">
            Leads set the team's budget on the <Link to={href}>cost page</Link>.
          </Typography>
        </Box>
      )}
    </InfoCard>
  );
}
