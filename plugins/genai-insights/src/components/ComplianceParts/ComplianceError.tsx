import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  errorMessage,
  isNotAllowed,
} from '@genai-portal/plugin-genai-insights-react';

/**
 * A compliance read that failed: a 403 says whose compliance the caller may not read; anything
 * else (the backend down, a bad answer) says the service did not answer, with its message.
 */
export function ComplianceError(props: { error: unknown; what?: string }) {
  const { error } = props;
  if (isNotAllowed(error)) {
    return (
      <Alert severity="warning" data-testid="compliance-refusal">
        <AlertTitle>You do not read compliance for these teams</AlertTitle>
        Members and leads read their teams' compliance, admins every team's.
        Pick one of your teams, or ask the team's lead for access.
        <div>
          <small>{errorMessage(error)}</small>
        </div>
      </Alert>
    );
  }
  return (
    <Alert severity="error" data-testid="compliance-error">
      <AlertTitle>
        Could not read {props.what ?? 'the compliance scorecards'}
      </AlertTitle>
      The compliance service did not answer: {errorMessage(error)}
    </Alert>
  );
}
