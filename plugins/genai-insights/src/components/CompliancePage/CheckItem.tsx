import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentCompliance } from '@genai-portal/plugin-genai-insights-common';
import { useState } from 'react';
import { formatDate, refName, severityLabel } from '../../lib/compliance';
import { StatusBadge } from '../ComplianceParts';
import { WaiveForm } from './WaiveForm';

type CheckResult = EnvironmentCompliance['checks'][number];

function Failures(props: { check: CheckResult }) {
  const { check } = props;
  if (check.failures.length === 0) {
    return null;
  }
  const more = check.failureCount - check.failures.length;
  return (
    <>
      <Box
        component="ul"
        aria-label={`Failing objects of ${check.title}`}
        m={0}
        pl={2.5}
      >
        {check.failures.map((f, i) => (
          <li key={`${f.kind}/${f.name}/${f.fieldPath}/${i}`}>
            <Typography variant="body2" component="span">
              <strong>
                {f.kind}/{f.name}
              </strong>{' '}
              <code>{f.fieldPath}</code> {f.message}
            </Typography>
          </li>
        ))}
      </Box>
      {more > 0 && (
        <Typography variant="body2" color="textSecondary">
          and {more} more
        </Typography>
      )}
    </>
  );
}

/**
 * One check in an environment: its status and severity, the failing objects (with the field
 * that fails), what to do, the waiver it counts under, and a "Waive" form for those allowed.
 */
export function CheckItem(props: {
  environment: string;
  check: CheckResult;
  canWaive: boolean;
  onWaived: () => void;
}) {
  const { environment, check, canWaive } = props;
  const [waiving, setWaiving] = useState(false);
  const headingId = `check-${environment}-${check.checkId}`;
  return (
    <Box
      component="section"
      aria-labelledby={headingId}
      py={1.5}
      borderBottom={1}
      borderColor="divider"
      data-testid={`compliance-check-item-${check.checkId}`}
    >
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <Typography variant="subtitle1" component="h3" id={headingId}>
          {check.title}
        </Typography>
        <StatusBadge status={check.status} />
        <Typography variant="caption" color="textSecondary">
          Severity: {severityLabel(check.severity)} · Looks at {check.looksAt}
        </Typography>
      </Box>
      {check.error && (
        <Typography variant="body2" color="error">
          Could not run: {check.error}
        </Typography>
      )}
      <Failures check={check} />
      {check.waiver && (
        <Typography
          variant="body2"
          data-testid={`compliance-waiver-${check.checkId}`}
        >
          Waived by {refName(check.waiver.createdBy)} until{' '}
          {formatDate(check.waiver.expiresAt)}: “{check.waiver.justification}”
        </Typography>
      )}
      {(check.status === 'fail' ||
        check.status === 'error' ||
        check.status === 'waived') && (
        <Typography variant="body2">
          <strong>To fix:</strong> {check.remediation}
        </Typography>
      )}
      {check.status === 'fail' && canWaive && !waiving && (
        <Box mt={1}>
          <Button
            size="small"
            variant="outlined"
            onClick={() => setWaiving(true)}
          >
            Waive
          </Button>
        </Box>
      )}
      {waiving && (
        <WaiveForm
          environment={environment}
          checkId={check.checkId}
          checkTitle={check.title}
          onCancel={() => setWaiving(false)}
          onWaived={() => {
            setWaiving(false);
            props.onWaived();
          }}
        />
      )}
    </Box>
  );
}
