import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { complianceWaivePermission } from '@genai-portal/plugin-genai-insights-common';
import {
  genaiInsightsApiRef,
  teamName,
} from '@genai-portal/plugin-genai-insights-react';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { formatScore, levelLabel, sortChecks } from '../../lib/compliance';
import { ComplianceError } from '../ComplianceParts';
import { CheckItem } from './CheckItem';

/** Whether the caller may waive checks of a team's environments (its leads and the admins). */
function useCanWaive(team?: string): boolean {
  const { allowed } = usePermission({
    permission: complianceWaivePermission,
    resourceRef: team,
  });
  return Boolean(team) && allowed;
}

/**
 * One environment's checks in a dialog titled with its name, read when it opens (and again when
 * `version` changes): failing ones first, each with its failing objects, what to do, its waiver,
 * and a "Waive" form for those allowed.
 */
export function EnvironmentDialog(props: {
  environment: string;
  team?: string;
  focusCheck?: string;
  /** Bumped after a waiver is granted or revoked: the checks are read again. */
  version: number;
  onClose: () => void;
  onWaived: () => void;
}) {
  const { environment, focusCheck, version } = props;
  const api = useApi(genaiInsightsApiRef);
  const details = useAsync(
    () => api.getEnvironmentCompliance(environment),
    [api, environment, version],
  );
  const canWaive = useCanWaive(props.team);
  const titleId = 'genai-insights-compliance-environment-title';
  const value = details.value;

  useEffect(() => {
    if (!value || !focusCheck) return;
    const el = document.querySelector(
      `[data-testid="compliance-check-item-${focusCheck}"]`,
    );
    if (el && 'scrollIntoView' in el) {
      (el as HTMLElement).scrollIntoView?.({ block: 'nearest' });
    }
  }, [value, focusCheck]);

  return (
    <Dialog
      open
      onClose={props.onClose}
      maxWidth="md"
      fullWidth
      aria-labelledby={titleId}
    >
      <DialogTitle id={titleId}>{environment}</DialogTitle>
      <DialogContent dividers>
        {!details.value && !details.error ? <Progress /> : null}
        {details.error ? (
          <ComplianceError error={details.error} what="its checks" />
        ) : null}
        {value && (
          <>
            <Typography
              variant="body2"
              color="textSecondary"
              data-testid="compliance-environment-summary"
            >
              {value.team ? `${teamName(value.team)} · ` : ''}Score{' '}
              {formatScore(value.score.percent)} · {levelLabel(value.level)}
            </Typography>
            {sortChecks(value.checks).map(check => (
              <CheckItem
                key={check.checkId}
                environment={environment}
                check={check}
                canWaive={canWaive}
                onWaived={props.onWaived}
              />
            ))}
          </>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Close</Button>
      </DialogActions>
    </Dialog>
  );
}
