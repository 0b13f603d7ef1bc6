import { InfoCard, Progress } from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  genaiInsightsApiRef,
  useCompliancePageLink,
} from '@genai-portal/plugin-genai-insights-react';
import useAsync from 'react-use/esm/useAsync';
import { formatScore, levelLabel } from '../../lib/compliance';
import { ComplianceError, LevelCounts, ScoreValue } from '../ComplianceParts';

/** How many of the team's lowest scoring environments the card names. */
const WORST = 3;

/**
 * A team's compliance on its `Group` page: its score over its environments, how many reach each
 * level, its lowest scoring environments, and a link to the compliance page for the team.
 * @public
 */
export function EntityTeamComplianceCard() {
  const { entity } = useEntity();
  const team = stringifyEntityRef(entity);
  const api = useApi(genaiInsightsApiRef);
  const link = useCompliancePageLink()([team]);
  const state = useAsync(
    () => api.getComplianceScorecards({ teams: [team] }),
    [api, team],
  );

  let body;
  if (state.loading) {
    body = <Progress />;
  } else if (state.error || !state.value) {
    body = (
      <ComplianceError
        error={state.error ?? 'no answer'}
        what="the team's compliance"
      />
    );
  } else {
    const cards = state.value;
    const own = cards.environments.filter(e => e.team === team);
    const score = cards.teams.find(t => t.name === team)?.score;
    if (own.length === 0 || !score) {
      body = (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="compliance-team-empty"
        >
          The team has no evaluated environment yet.
        </Typography>
      );
    } else {
      const worst = [...own]
        .sort(
          (a, b) =>
            (a.score.percent ?? 101) - (b.score.percent ?? 101) ||
            a.environment.localeCompare(b.environment),
        )
        .slice(0, WORST);
      body = (
        <>
          <ScoreValue
            label="Team score"
            percent={score.percent}
            size="medium"
          />
          <Typography variant="body2" color="textSecondary" gutterBottom>
            Over {own.length}{' '}
            {own.length === 1 ? 'environment' : 'environments'}
          </Typography>
          <LevelCounts levels={cards.levels} environments={own} />
          <Box mt={2}>
            <Typography variant="subtitle2" component="h3">
              Lowest scores
            </Typography>
            <Box
              component="ul"
              aria-label="Lowest scoring environments"
              m={0}
              pl={2.5}
            >
              {worst.map(e => (
                <li key={e.environment}>
                  <Typography variant="body2">
                    {e.environment}: {formatScore(e.score.percent)},{' '}
                    {levelLabel(e.level)}
                  </Typography>
                </li>
              ))}
            </Box>
          </Box>
        </>
      );
    }
  }

  return (
    <InfoCard
      title="Compliance"
      subheader="The team's environments against the platform's policies"
      deepLink={
        link
          ? { title: 'View the team on the compliance page', link }
          : undefined
      }
    >
      {body}
    </InfoCard>
  );
}
