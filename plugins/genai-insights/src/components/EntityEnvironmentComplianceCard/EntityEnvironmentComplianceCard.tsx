import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  genaiInsightsApiRef,
  useCompliancePageLink,
} from '@genai-portal/plugin-genai-insights-react';
import useAsync from 'react-use/esm/useAsync';
import { formatDateTime } from '../../lib/gpu';
import { levelLabel, sortChecks } from '../../lib/compliance';
import { environmentIdOf, environmentTeamOf } from '../../lib/entities';
import { ComplianceError, ScoreValue, StatusBadge } from '../ComplianceParts';

/** How many failing checks the card lists. */
const SHOWN = 5;

function isNotFound(error: unknown): boolean {
  const e = error as { statusCode?: number; name?: string } | undefined;
  return e?.statusCode === 404 || e?.name === 'NotFoundError';
}

/**
 * An environment's compliance on its page (a `playground-environment` Resource): its score and
 * level, the checks it fails (and those waived), from `GET /compliance/environments/<its id>`,
 * with a link to the compliance page for its team.
 * @public
 */
export function EntityEnvironmentComplianceCard() {
  const { entity } = useEntity();
  const environment = environmentIdOf(entity);
  const team = environmentTeamOf(entity);
  const api = useApi(genaiInsightsApiRef);
  const link = useCompliancePageLink()(team ? [team] : []);
  const state = useAsync(
    () => api.getEnvironmentCompliance(environment),
    [api, environment],
  );

  let body;
  if (state.loading) {
    body = <Progress />;
  } else if (state.error && isNotFound(state.error)) {
    body = (
      <Typography
        variant="body2"
        color="textSecondary"
        data-testid="compliance-not-evaluated"
      >
        This environment has not been evaluated yet: it is checked every few
        minutes once its namespace exists.
      </Typography>
    );
  } else if (state.error || !state.value) {
    body = (
      <ComplianceError
        error={state.error ?? 'no answer'}
        what="this environment's compliance"
      />
    );
  } else {
    const value = state.value;
    const notPassing = sortChecks(value.checks).filter(
      c => c.status === 'fail' || c.status === 'error' || c.status === 'waived',
    );
    body = (
      <>
        <Box display="flex" alignItems="baseline" style={{ gap: 16 }}>
          <ScoreValue
            label="Environment score"
            percent={value.score.percent}
            size="medium"
          />
          <Typography variant="h6" component="p" data-testid="compliance-level">
            {levelLabel(value.level)}
          </Typography>
        </Box>
        {notPassing.length === 0 ? (
          <Typography variant="body2" data-testid="compliance-all-pass">
            Every check passes (or does not apply).
          </Typography>
        ) : (
          <Box
            component="ul"
            aria-label="Checks not passing"
            p={0}
            m={0}
            style={{ listStyle: 'none' }}
          >
            {notPassing.slice(0, SHOWN).map(c => (
              <Box component="li" key={c.checkId} py={0.5}>
                <StatusBadge status={c.status} />{' '}
                <Typography variant="body2" component="span">
                  {c.title}
                  {c.failureCount > 0
                    ? ` (${c.failureCount} ${
                        c.failureCount === 1 ? 'object' : 'objects'
                      })`
                    : ''}
                </Typography>
              </Box>
            ))}
            {notPassing.length > SHOWN && (
              <Typography variant="body2" color="textSecondary" component="li">
                and {notPassing.length - SHOWN} more
              </Typography>
            )}
          </Box>
        )}
        <Typography variant="caption" color="textSecondary">
          Evaluated {formatDateTime(value.evaluatedAt)}
        </Typography>
      </>
    );
  }

  return (
    <InfoCard
      title="Compliance"
      subheader="The platform's policies on this environment's live objects"
      deepLink={link ? { title: 'View compliance', link } : undefined}
    >
      {body}
    </InfoCard>
  );
}
