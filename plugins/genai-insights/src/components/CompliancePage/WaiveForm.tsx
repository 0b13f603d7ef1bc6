import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { MAX_WAIVER_DAYS } from '@genai-portal/plugin-genai-insights-common';
import { useState } from 'react';
import {
  errorMessage,
  genaiInsightsApiRef,
} from '@genai-portal/plugin-genai-insights-react';
import { expiryTime, validateWaiver, waiverDates } from '../../lib/compliance';

/**
 * Waives one failing check in one environment until a day: a justification (at least 10
 * characters) and the expiry (30 days on by default, at most a year). The backend's refusal (a
 * 400 or a 409) shows in the form.
 */
export function WaiveForm(props: {
  environment: string;
  checkId: string;
  checkTitle: string;
  onWaived: () => void;
  onCancel: () => void;
}) {
  const { environment, checkId, checkTitle } = props;
  const api = useApi(genaiInsightsApiRef);
  const [now] = useState(() => new Date());
  const dates = waiverDates(now);
  const [justification, setJustification] = useState('');
  const [expiresOn, setExpiresOn] = useState(dates.initial);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string>();
  const problems = validateWaiver(justification, expiresOn, now);
  const shown = touched ? problems : {};
  const id = `waive-${environment}-${checkId}`;

  const submit = async (e: { preventDefault: () => void }) => {
    e.preventDefault();
    setTouched(true);
    if (problems.justification || problems.expiresOn) {
      return;
    }
    setBusy(true);
    setFailure(undefined);
    try {
      await api.createComplianceWaiver({
        checkId,
        environment,
        justification: justification.trim(),
        expiresAt: expiryTime(expiresOn),
      });
      props.onWaived();
    } catch (error) {
      setFailure(errorMessage(error));
      setBusy(false);
    }
  };

  return (
    <Box mt={1} p={2} border={1} borderColor="divider" borderRadius={4}>
      <form aria-label={`Waive ${checkTitle}`} onSubmit={submit} noValidate>
        <Typography variant="body2" gutterBottom>
          A waived failure counts as passed until the waiver expires or is
          revoked; it stays listed as waived, with your justification.
        </Typography>
        <TextField
          id={`${id}-justification`}
          label="Justification"
          required
          fullWidth
          multiline
          minRows={2}
          margin="dense"
          value={justification}
          onChange={e => setJustification(e.target.value)}
          error={!!shown.justification}
          helperText={
            shown.justification ??
            'Why this check may fail for now, and what will fix it'
          }
          disabled={busy}
        />
        <TextField
          id={`${id}-expires`}
          label="Expires on"
          type="date"
          required
          margin="dense"
          value={expiresOn}
          onChange={e => setExpiresOn(e.target.value)}
          InputLabelProps={{ shrink: true }}
          inputProps={{ min: dates.min, max: dates.max }}
          error={!!shown.expiresOn}
          helperText={
            shown.expiresOn ??
            `The start of that day, UTC; at most ${MAX_WAIVER_DAYS} days on`
          }
          disabled={busy}
        />
        {failure && (
          <Alert severity="error" role="alert" style={{ marginTop: 8 }}>
            {failure}
          </Alert>
        )}
        <Box mt={1} display="flex" style={{ gap: 8 }}>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy}
          >
            Waive check
          </Button>
          <Button onClick={props.onCancel} disabled={busy}>
            Cancel
          </Button>
        </Box>
      </form>
    </Box>
  );
}
