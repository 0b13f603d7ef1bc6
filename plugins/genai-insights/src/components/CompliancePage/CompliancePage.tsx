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
import { useCallback, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import {
  costRouteRef,
  genaiInsightsApiRef,
  teamParam,
  usePageLink,
} from '@genai-portal/plugin-genai-insights-react';
import { STATUS_LOOKS, utcDay } from '../../lib/compliance';
import { parseTeamParams } from '../../lib/teams';
import { ComplianceError, StatusBadge } from '../ComplianceParts';
import { TeamPicker } from '../TeamPicker';
import { ComplianceMatrix } from './ComplianceMatrix';
import { EnvironmentDialog } from './EnvironmentDialog';
import { LevelsCard } from './LevelsCard';
import { ScoreSummary } from './ScoreSummary';
import { TeamScoresTable } from './TeamScoresTable';
import { TrendChart } from './TrendChart';
import { WaiversCard } from './WaiversCard';

const H2 = { component: 'h2' };
const DAY = 86_400_000;
/** The trend's range: the last 90 days, as the history route answers by default. */
const TREND_DAYS = 90;

function StatusLegend() {
  return (
    <Box
      component="ul"
      aria-label="Statuses"
      display="flex"
      flexWrap="wrap"
      p={0}
      m={0}
      mb={1}
      style={{ listStyle: 'none', gap: 8 }}
    >
      {(Object.keys(STATUS_LOOKS) as Array<keyof typeof STATUS_LOOKS>).map(
        s => (
          <li key={s}>
            <StatusBadge status={s} />
          </li>
        ),
      )}
    </Box>
  );
}

/** Everything read for a selection of teams (none: every team the caller reads). */
function ComplianceView(props: { teams: string[] }) {
  const api = useApi(genaiInsightsApiRef);
  const teamsKey = props.teams.join(',');
  const teams = useMemo(
    () => (teamsKey ? teamsKey.split(',') : undefined),
    [teamsKey],
  );
  // Bumped after a waiver is granted or revoked: the scores, the checks and the waivers change.
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion(v => v + 1), []);
  const cards = useAsync(
    () => api.getComplianceScorecards({ teams }),
    [api, teams, version],
  );
  const [now] = useState(() => Date.now());
  const history = useAsync(
    () =>
      api.getComplianceHistory({
        teams,
        from: utcDay(now - (TREND_DAYS - 1) * DAY),
        to: utcDay(now),
      }),
    [api, teams, now],
  );
  const [selected, setSelected] = useState<{
    environment: string;
    checkId?: string;
  }>();

  if (cards.loading && !cards.value) {
    return <Progress />;
  }
  if (cards.error || !cards.value) {
    return <ComplianceError error={cards.error ?? 'no answer'} />;
  }
  const c = cards.value;
  const selectedEnv = selected
    ? c.environments.find(e => e.environment === selected.environment)
    : undefined;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={5}>
        <ScoreSummary cards={c} />
      </Grid>
      <Grid item xs={12} md={7}>
        <LevelsCard levels={c.levels} checks={c.checks} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Teams"
          titleTypographyProps={H2}
          subheader="Each team's score over its environments, and how many reach each level"
        >
          <TeamScoresTable cards={c} />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Environments by check"
          titleTypographyProps={H2}
          subheader="Click an environment or a cell for the failing objects, what to do, and waivers. Hover over a check for its severity."
        >
          <StatusLegend />
          <ComplianceMatrix
            cards={c}
            onOpen={(environment, checkId) =>
              setSelected({ environment, checkId })
            }
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard
          title="Score over time"
          titleTypographyProps={H2}
          subheader={`The daily score over the last ${TREND_DAYS} days${
            history.value?.platform ? ', the platform' : ', per team'
          }`}
        >
          {history.loading && <Progress />}
          {history.error && (
            <ComplianceError error={history.error} what="the history" />
          )}
          {history.value && !history.loading && (
            <TrendChart history={history.value} />
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <WaiversCard
          teams={teams}
          checks={c.checks}
          version={version}
          onRevoked={refresh}
        />
      </Grid>
      {selected && (
        <EnvironmentDialog
          environment={selected.environment}
          team={selectedEnv?.team}
          focusCheck={selected.checkId}
          version={version}
          onClose={() => setSelected(undefined)}
          onWaived={refresh}
        />
      )}
    </Grid>
  );
}

/**
 * The compliance page's content: teams (`?team=`), then the score with its levels, each team's
 * score, the environments by check (with each environment's checks, and waiving for those
 * allowed), the trend and the waivers. The new frontend system puts its own header
 * ("Compliance") around this.
 * @public
 */
export function CompliancePageContent() {
  const api = useApi(genaiInsightsApiRef);
  // The picker's teams; the page works without them (the scorecards name the teams too).
  const scope = useAsync(() => api.getScope(), [api]);
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
  const costLink = usePageLink(costRouteRef)(teams);
  const scopeTeams = scope.value?.teams ?? [];

  return (
    <Content>
      <Box mb={3}>
        <Grid container spacing={2} alignItems="center">
          <Grid item xs={12} md={4}>
            <TeamPicker
              options={scopeTeams}
              value={teams}
              onChange={setTeams}
            />
          </Grid>
          {costLink && (
            <Grid item xs={12} md={8}>
              <Box textAlign="right">
                <Link to={costLink}>
                  What these teams spend (the cost page)
                </Link>
              </Box>
            </Grid>
          )}
        </Grid>
        <Typography variant="caption" color="textSecondary">
          The platform's policies checked on each environment's live objects
          (labels, pod security, network policies, quotas, images, GPUs).
          Evaluated every few minutes; the trend from one snapshot a day.
        </Typography>
      </Box>
      {invalid.length > 0 ? (
        <Alert severity="error">
          {invalid.map(v => `'${v}'`).join(', ')}{' '}
          {invalid.length === 1 ? 'is' : 'are'} not a team: use a group name (
          ml-research) or ref (group:default/ml-research).
        </Alert>
      ) : (
        <ComplianceView teams={teams} />
      )}
    </Content>
  );
}

/** The same page with a Backstage header, for apps on the legacy frontend system. @public */
export function CompliancePage() {
  return (
    <Page themeId="tool">
      <Header
        title="Compliance"
        subtitle="How the GenAI Playground's environments meet the platform's policies"
      />
      <CompliancePageContent />
    </Page>
  );
}
