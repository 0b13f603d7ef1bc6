import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import Alert from '@material-ui/lab/Alert';
import {
  complianceWaivePermission,
  type ComplianceWaiver,
} from '@genai-portal/plugin-genai-insights-common';
import {
  genaiInsightsApiRef,
  teamName,
} from '@genai-portal/plugin-genai-insights-react';
import { useState } from 'react';
import { useConfirmAction } from '../../hooks/useConfirmAction';

/**
 * "Revoke" on an active waiver, for those who may waive the team's checks; asks first. The
 * waiver stops counting at once.
 */
export function RevokeWaiverButton(props: {
  waiver: ComplianceWaiver;
  checkTitle: string;
  onRevoked: () => void;
}) {
  const { waiver, checkTitle } = props;
  const api = useApi(genaiInsightsApiRef);
  const { allowed } = usePermission({
    permission: complianceWaivePermission,
    resourceRef: waiver.team,
  });
  const [open, setOpen] = useState(false);
  const where =
    waiver.environment ?? `every environment of ${teamName(waiver.team)}`;
  const { busy, failure, confirm } = useConfirmAction(open, async () => {
    await api.revokeComplianceWaiver(waiver.id);
    setOpen(false);
    props.onRevoked();
  });
  if (!allowed || waiver.state !== 'active') {
    return null;
  }
  const titleId = `revoke-${waiver.id}-title`;
  return (
    <>
      <Button size="small" color="secondary" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <Dialog
        open={open}
        onClose={busy ? undefined : () => setOpen(false)}
        aria-labelledby={titleId}
        maxWidth="xs"
        fullWidth
      >
        <DialogTitle id={titleId}>Revoke this waiver?</DialogTitle>
        <DialogContent>
          <DialogContentText>
            {checkTitle} in {where} counts as failing again at once.
          </DialogContentText>
          {failure && <Alert severity="error">{failure}</Alert>}
        </DialogContent>
        <DialogActions>
          <Button onClick={() => setOpen(false)} disabled={busy}>
            Cancel
          </Button>
          <Button
            variant="contained"
            color="secondary"
            onClick={confirm}
            disabled={busy}
          >
            Revoke waiver
          </Button>
        </DialogActions>
      </Dialog>
    </>
  );
}
