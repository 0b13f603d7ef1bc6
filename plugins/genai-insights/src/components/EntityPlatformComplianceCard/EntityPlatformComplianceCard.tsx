import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  genaiInsightsApiRef,
  useCompliancePageLink,
} from '@genai-portal/plugin-genai-insights-react';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { formatScore, utcDay } from '../../lib/compliance';
import { complianceTargetOf } from '../../lib/entities';
import {
  ComplianceError,
  LevelCounts,
  ScoreSparkline,
  ScoreValue,
} from '../ComplianceParts';

const DAY = 86_400_000;
/** The sparkline's range. */
const TREND_DAYS = 30;

/**
 * The platform's compliance on its `System` page: the platform's score (the caller's teams'
 * for those who do not read every team), against the System's target, with the environments'
 * levels and the last 30 days' daily score as a sparkline.
 * @public
 */
export function EntityPlatformComplianceCard() {
  const { entity } = useEntity();
  const target = complianceTargetOf(entity);
  const api = useApi(genaiInsightsApiRef);
  const link = useCompliancePageLink()();
  const [now] = useState(() => Date.now());
  const cards = useAsync(() => api.getComplianceScorecards(), [api]);
  const history = useAsync(
    () =>
      api.getComplianceHistory({
        from: utcDay(now - (TREND_DAYS - 1) * DAY),
        to: utcDay(now),
      }),
    [api, now],
  );

  let body;
  if (cards.loading) {
    body = <Progress />;
  } else if (cards.error || !cards.value) {
    body = <ComplianceError error={cards.error ?? 'no answer'} />;
  } else {
    const c = cards.value;
    const platform = c.scope === 'platform';
    const points = platform
      ? history.value?.platform ?? []
      : history.value?.teams.flatMap(t => t.points) ?? [];
    body = (
      <>
        <Box display="flex" alignItems="baseline" style={{ gap: 16 }}>
          <ScoreValue
            label={platform ? 'Platform score' : 'Teams score'}
            percent={c.platform.percent}
            size="medium"
          />
          {target !== undefined && (
            <Typography
              variant="body2"
              color={
                c.platform.percent !== null && c.platform.percent >= target
                  ? 'textSecondary'
                  : 'error'
              }
              data-testid="compliance-target"
            >
              Target {formatScore(target)}
            </Typography>
          )}
        </Box>
        {!platform && (
          <Typography variant="caption" color="textSecondary" component="p">
            Over your teams' environments: the platform's score is for those who
            read every team.
          </Typography>
        )}
        <Box my={1}>
          <LevelCounts levels={c.levels} environments={c.environments} />
        </Box>
        {history.loading && <Progress />}
        {history.error && (
          <ComplianceError error={history.error} what="the history" />
        )}
        {history.value &&
          (platform && points.length > 0 ? (
            <>
              <ScoreSparkline points={points} />
              <Typography variant="caption" color="textSecondary">
                Daily score, last {TREND_DAYS} days
              </Typography>
            </>
          ) : (
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="compliance-trend-empty"
            >
              {platform
                ? 'No history yet: history starts after the first daily snapshot.'
                : 'The trend is on the compliance page, per team.'}
            </Typography>
          ))}
      </>
    );
  }

  return (
    <InfoCard
      title="Compliance"
      subheader="Every environment against the platform's policies"
      deepLink={link ? { title: 'View compliance', link } : undefined}
    >
      {body}
    </InfoCard>
  );
}
