import { CopyTextButton } from '@backstage/core-components';
import type { CreatedApiKey } from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';

/** A key just created: its secret, shown this once, with a copy button. */
export function CreatedApiKeyDialog(props: {
  created: CreatedApiKey;
  onClose: () => void;
}) {
  const { created } = props;
  return (
    <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Key {created.name} created</DialogTitle>
      <DialogContent>
        <Alert severity="warning">
          Copy the key now: it is shown only once and cannot be shown again.
        </Alert>
        <Box display="flex" alignItems="center" mt={2}>
          <Typography
            variant="body2"
            component="code"
            data-testid="api-key-secret"
            style={{ wordBreak: 'break-all', fontFamily: 'monospace' }}
          >
            {created.key}
          </Typography>
          <CopyTextButton text={created.key} tooltipText="Key copied" />
        </Box>
      </DialogContent>
      <DialogActions>
        <Button color="primary" variant="contained" onClick={props.onClose}>
          Done
        </Button>
      </DialogActions>
    </Dialog>
  );
}
