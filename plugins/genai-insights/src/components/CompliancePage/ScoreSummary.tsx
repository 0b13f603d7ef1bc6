import { InfoCard } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type { ComplianceScorecards } from '@genai-portal/plugin-genai-insights-common';
import { formatDateTime } from '../../lib/gpu';
import { LevelCounts, ScoreValue } from '../ComplianceParts';

const H2 = { component: 'h2' };

/**
 * The platform's score (for those who read every team) or the caller's teams' score, the checks
 * behind it, and how many environments reach each level.
 */
export function ScoreSummary(props: { cards: ComplianceScorecards }) {
  const { cards } = props;
  const platform = cards.scope === 'platform';
  const s = cards.platform;
  return (
    <InfoCard
      title={platform ? 'Platform score' : 'Teams score'}
      titleTypographyProps={H2}
      subheader={`Evaluated ${formatDateTime(cards.evaluatedAt)}, over ${
        cards.environments.length
      } ${cards.environments.length === 1 ? 'environment' : 'environments'}`}
    >
      <ScoreValue
        label={platform ? 'Platform score' : 'Teams score'}
        percent={s.percent}
      />
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="compliance-counts"
      >
        {s.passed} passed, {s.failed} failed, {s.waived} waived, {s.errored}{' '}
        could not run, {s.notApplicable} not applicable
      </Typography>
      <Box mt={2}>
        <LevelCounts levels={cards.levels} environments={cards.environments} />
      </Box>
    </InfoCard>
  );
}
