import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { CostInterval } from '@genai-portal/plugin-genai-insights-common';
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import {
  genaiInsightsApiRef,
  type GenaiInsightsScope,
  useGpuPageLink,
  errorMessage,
  isNotAllowed,
  teamParam,
  Refusal,
} from '@genai-portal/plugin-genai-insights-react';
import { stackPoints } from '../../lib/chartData';
import {
  isoDay,
  monthOf,
  periodsOf,
  resolveRange,
  validateCustomRange,
  type RangeKind,
  type TimeRange,
} from '../../lib/ranges';
import { parseTeamParams, teamsOutsideScope } from '../../lib/teams';
import { BudgetsCard } from './BudgetsCard';
import { CostFilters, STACK_LABELS, type StackBy } from './CostFilters';
import { CostOverTimeChart } from './CostOverTimeChart';
import { CostSummary } from './CostSummary';
import { ExportButtons } from './ExportButtons';
import { IdleCostChart } from './IdleCostChart';
import { SavingsCard } from './SavingsCard';
import { TopCostsTable } from './TopCostsTable';

const TOP_LIMIT = 5;

function SectionError(props: { error: unknown }) {
  return <Alert severity="error">{errorMessage(props.error)}</Alert>;
}

/**
 * Everything with numbers, for a selection the caller may read. Each part loads on its own; a
 * 403 from any of them shows the refusal in place of all of them, so no number of a team the
 * caller may not see is ever on the page.
 */
function CostView(props: {
  scope: GenaiInsightsScope;
  teams: string[];
  range: TimeRange;
  interval: CostInterval;
  stackBy: StackBy;
  now: Date;
}) {
  const { scope, range, interval, stackBy, now } = props;
  const api = useApi(genaiInsightsApiRef);
  const teamsKey = props.teams.join(',');
  // One query object per selection, so that the hooks below refetch only when it changes.
  const query = useMemo(
    () => ({
      from: range.from,
      to: range.to,
      teams: teamsKey ? teamsKey.split(',') : undefined,
    }),
    [range.from, range.to, teamsKey],
  );
  const month = useMemo(() => monthOf(now), [now]);

  const cost = useAsync(
    () => api.getCostOverTime({ ...query, interval, stackBy }),
    [api, query, interval, stackBy],
  );
  const comparison = useAsync(() => api.getCostComparison(query), [api, query]);
  const topEnvironments = useAsync(
    () => api.getTopCosts({ ...query, by: 'environment', limit: TOP_LIMIT }),
    [api, query],
  );
  const topModels = useAsync(
    () => api.getTopCosts({ ...query, by: 'model', limit: TOP_LIMIT }),
    [api, query],
  );
  const idle = useAsync(() => api.getIdleCost(query), [api, query]);
  const budgets = useAsyncRetry(
    () => api.getBudgets({ month: month.month, teams: query.teams }),
    [api, month.month, query.teams],
  );

  const stacked = useMemo(
    () =>
      cost.value
        ? stackPoints(cost.value.points, periodsOf(range, interval))
        : undefined,
    [cost.value, range, interval],
  );

  const all = [cost, comparison, topEnvironments, topModels, idle, budgets];
  const refused = all.find(s => isNotAllowed(s.error));
  if (refused) {
    return (
      <Refusal teams={props.teams} message={errorMessage(refused.error)} />
    );
  }

  const currency = comparison.value?.currency ?? scope.currency;
  const empty =
    cost.value?.points.length === 0 &&
    comparison.value?.current.costMicros === 0;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={8}>
        {comparison.loading && <Progress />}
        {comparison.error && <SectionError error={comparison.error} />}
        {comparison.value && (
          <CostSummary comparison={comparison.value} idle={idle.value} />
        )}
      </Grid>
      <Grid item xs={12} md={4}>
        <Box display="flex" justifyContent="flex-end">
          <ExportButtons query={query} />
        </Box>
      </Grid>
      {empty && (
        <Grid item xs={12}>
          <Alert severity="info" data-testid="cost-empty">
            No costs yet: create an environment in the GPU Playground (or run a
            job, or call a model from one), and what it costs shows here. Or
            pick a longer range.
          </Alert>
        </Grid>
      )}
      <Grid item xs={12}>
        <InfoCard title="Cost over time">
          {cost.loading && <Progress />}
          {cost.error && <SectionError error={cost.error} />}
          {stacked && cost.value && (
            <CostOverTimeChart
              data={stacked}
              currency={cost.value.currency}
              stackLabel={STACK_LABELS[stackBy]}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Top environments">
          {topEnvironments.loading && <Progress />}
          {topEnvironments.error && (
            <SectionError error={topEnvironments.error} />
          )}
          {topEnvironments.value && (
            <TopCostsTable
              by="environment"
              items={topEnvironments.value.items}
              currency={topEnvironments.value.currency}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={6}>
        <InfoCard title="Top models">
          {topModels.loading && <Progress />}
          {topModels.error && <SectionError error={topModels.error} />}
          {topModels.value && (
            <TopCostsTable
              by="model"
              items={topModels.value.items}
              currency={topModels.value.currency}
            />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Reserved, used and idle"
          subheader="What environments held against what ran, per category"
        >
          {idle.loading && <Progress />}
          {idle.error && <SectionError error={idle.error} />}
          {idle.value && (
            <IdleCostChart items={idle.value.items} currency={currency} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <SavingsCard query={query} />
      </Grid>
      <Grid item xs={12}>
        {budgets.loading && !budgets.value && <Progress />}
        {budgets.error && <SectionError error={budgets.error} />}
        {budgets.value && (
          <BudgetsCard
            scope={scope}
            teams={props.teams}
            budgets={budgets.value.items}
            month={month}
            now={now}
            onChanged={budgets.retry}
          />
        )}
      </Grid>
    </Grid>
  );
}

/**
 * The cost page's content: teams (`?team=`), range, interval and stacking, then the costs of
 * that selection. The new frontend system puts its own header ("Cost") around this.
 * @public
 */
export function CostPageContent() {
  const api = useApi(genaiInsightsApiRef);
  // "Now" is fixed while the page is open, so that the ranges (and the queries) are stable.
  const [now] = useState(() => new Date());
  const scope = useAsync(() => api.getScope(), [api]);
  const gpuLink = useGpuPageLink();
  const [params, setParams] = useSearchParams();
  const teamValues = params.getAll('team').join(',');
  const { teams, invalid } = useMemo(
    () => parseTeamParams(teamValues ? [teamValues] : []),
    [teamValues],
  );
  const setTeams = useCallback(
    (next: string[]) =>
      setParams(
        prev => {
          const updated = new URLSearchParams(prev);
          updated.delete('team');
          next.forEach(t => updated.append('team', teamParam(t)));
          return updated;
        },
        { replace: true },
      ),
    [setParams],
  );

  const [rangeKind, setRangeKind] = useState<RangeKind>('month');
  const [custom, setCustom] = useState(() => ({
    from: isoDay(now.getTime() - 29 * 86_400_000),
    to: isoDay(now.getTime()),
  }));
  const [interval, setCostInterval] = useState<CostInterval>('day');
  const [stackBy, setStackBy] = useState<StackBy>('category');
  const customError =
    rangeKind === 'custom'
      ? validateCustomRange(custom.from, custom.to)
      : undefined;
  const range = useMemo(
    () => (customError ? undefined : resolveRange(rangeKind, now, custom)),
    [customError, rangeKind, now, custom],
  );

  if (scope.loading) {
    return (
      <Content>
        <Progress />
      </Content>
    );
  }
  if (scope.error || !scope.value) {
    return (
      <Content>
        <Alert severity="error">
          Could not read which teams you may see:{' '}
          {errorMessage(scope.error ?? 'no answer')}
        </Alert>
      </Content>
    );
  }
  const s = scope.value;
  const outside = teamsOutsideScope(teams, s);
  const gpuHref = gpuLink(teams);

  let body;
  if (invalid.length > 0) {
    body = (
      <Alert severity="error">
        {invalid.map(v => `'${v}'`).join(', ')}{' '}
        {invalid.length === 1 ? 'is' : 'are'} not a team: use a group name (
        ml-research) or ref (group:default/ml-research).
      </Alert>
    );
  } else if (outside.length > 0) {
    body = <Refusal teams={outside} />;
  } else if (!s.all && s.teams.length === 0) {
    body = (
      <Alert severity="info" data-testid="cost-no-teams">
        You're not in a team yet, so there are no costs to show: join a team (a
        Group in the catalog) to see what its environments cost.
      </Alert>
    );
  } else if (range) {
    body = (
      <CostView
        scope={s}
        teams={teams}
        range={range}
        interval={interval}
        stackBy={stackBy}
        now={now}
      />
    );
  }

  return (
    <Content>
      <Box mb={3}>
        <CostFilters
          teamOptions={s.teams}
          teams={teams}
          onTeamsChange={setTeams}
          rangeKind={rangeKind}
          onRangeKindChange={setRangeKind}
          custom={custom}
          onCustomChange={setCustom}
          customError={customError}
          interval={interval}
          onIntervalChange={setCostInterval}
          stackBy={stackBy}
          onStackByChange={setStackBy}
        />
        <Box
          display="flex"
          justifyContent="space-between"
          flexWrap="wrap"
          style={{ gap: 8 }}
        >
          <Typography variant="caption" color="textSecondary">
            Days are UTC days. Costs are in the {s.chargeback} basis (what teams
            are charged) unless said otherwise.
          </Typography>
          {gpuHref && (
            <Typography variant="caption">
              <Link to={gpuHref}>
                How busy these GPUs are (GPU utilization)
              </Link>
            </Typography>
          )}
        </Box>
      </Box>
      {body}
    </Content>
  );
}

/** The same page with a Backstage header, for apps on the legacy frontend system. @public */
export function CostPage() {
  return (
    <Page themeId="tool">
      <Header title="Cost" subtitle="What the GPU Playground's teams spend" />
      <CostPageContent />
    </Page>
  );
}
