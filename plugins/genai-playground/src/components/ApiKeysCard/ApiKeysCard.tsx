import { InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { formatDateTime, formatMoney } from '../../lib/format';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

function UsageBar(props: { label: string; value: number; max: number }) {
  const percent =
    props.max > 0 ? Math.min(100, (props.value / props.max) * 100) : 0;
  return (
    <Box minWidth={140}>
      <Typography variant="caption" component="div">
        {props.label}
      </Typography>
      <LinearProgress
        variant="determinate"
        value={percent}
        color={percent >= 90 ? 'secondary' : 'primary'}
        aria-label={props.label}
      />
    </Box>
  );
}

function KeyUsage(props: { apiKey: ApiKeyWithUsage }) {
  const { apiKey: k } = props;
  const tokens = k.usage.inputTokens + k.usage.outputTokens;
  return (
    <Box>
      {k.monthlyBudget !== undefined ? (
        <UsageBar
          label={`${formatMoney(k.usage.cost, k.currency)} of ${formatMoney(
            k.monthlyBudget,
            k.currency,
          )}`}
          value={k.usage.cost}
          max={k.monthlyBudget}
        />
      ) : (
        <Typography variant="caption" component="div">
          {formatMoney(k.usage.cost, k.currency)} (no budget)
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary" component="div">
        {`${k.usage.requests.toLocaleString(
          'en-US',
        )} requests · ${tokens.toLocaleString('en-US')} tokens`}
      </Typography>
    </Box>
  );
}

function statusChip(k: ApiKeyWithUsage) {
  if (k.status === 'active') {
    return <Chip size="small" label="active" color="primary" />;
  }
  return <Chip size="small" label={k.status} variant="outlined" />;
}

/**
 * An environment's API keys for the inference gateway: their scope, limits and this month's
 * usage, with "Create key" (the secret shown once) and "Revoke".
 */
export function ApiKeysCard(props: {
  environmentId: string;
  currency?: string;
}) {
  const { environmentId } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const alertApi = useApi(alertApiRef);
  const keys = useAsyncRetry(
    async () => (await api.listApiKeys(environmentId)).items,
    [api, environmentId],
  );
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyWithUsage>();
  const [revokeError, setRevokeError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const currency = props.currency ?? keys.value?.[0]?.currency ?? 'USD';

  const revoke = async () => {
    if (!revoking) {
      return;
    }
    setBusy(true);
    setRevokeError(undefined);
    try {
      await api.revokeApiKey(environmentId, revoking.id);
      alertApi.post({
        message: `Key ${revoking.name} revoked`,
        severity: 'success',
        display: 'transient',
      });
      setRevoking(undefined);
      keys.retry();
    } catch (e) {
      setRevokeError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <InfoCard
      title="API keys"
      subheader="Keys for the inference gateway; they expire with the environment"
      action={
        <Box mt={1} mr={1}>
          <Button
            variant="outlined"
            color="primary"
            onClick={() => setCreating(true)}
          >
            Create key
          </Button>
        </Box>
      }
    >
      {keys.loading && <Progress />}
      {keys.error && (
        <Alert severity="error">
          Could not load the API keys: {keys.error.message}
        </Alert>
      )}
      {keys.value && keys.value.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          No API keys yet.
        </Typography>
      )}
      {keys.value && keys.value.length > 0 && (
        <Table size="small" aria-label="API keys">
          <TableHead>
            <TableRow>
              <TableCell>Name</TableCell>
              <TableCell>Prefix</TableCell>
              <TableCell>Models</TableCell>
              <TableCell>Limits</TableCell>
              <TableCell>This month</TableCell>
              <TableCell>Expires</TableCell>
              <TableCell>Status</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {keys.value.map(k => (
              <TableRow key={k.id}>
                <TableCell>{k.name}</TableCell>
                <TableCell>
                  <code>{k.prefix}</code>
                </TableCell>
                <TableCell>
                  {k.models.length ? k.models.join(', ') : 'All models'}
                </TableCell>
                <TableCell>
                  <Typography variant="caption" component="div">
                    {`${k.rpm.toLocaleString(
                      'en-US',
                    )} RPM · ${k.tpm.toLocaleString('en-US')} TPM`}
                  </Typography>
                </TableCell>
                <TableCell>
                  <KeyUsage apiKey={k} />
                </TableCell>
                <TableCell>{formatDateTime(k.expiresAt)}</TableCell>
                <TableCell>
                  {statusChip(k)}
                  {k.revokedAt && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {formatDateTime(k.revokedAt)}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {k.status === 'active' && (
                    <Button
                      size="small"
                      aria-label={`Revoke ${k.name}`}
                      onClick={() => {
                        setRevokeError(undefined);
                        setRevoking(k);
                      }}
                    >
                      Revoke
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {creating && (
        <CreateApiKeyDialog
          currency={currency}
          onCreate={request => api.createApiKey(environmentId, request)}
          onClose={() => {
            setCreating(false);
            keys.retry();
          }}
        />
      )}
      {revoking && (
        <Dialog open onClose={() => setRevoking(undefined)}>
          <DialogTitle>Revoke key {revoking.name}?</DialogTitle>
          <DialogContent>
            {revokeError && (
              <Box mb={2}>
                <Alert severity="error">{revokeError}</Alert>
              </Box>
            )}
            <Typography variant="body2">
              Calls with {revoking.prefix}… will be refused from now on. This
              cannot be undone.
            </Typography>
          </DialogContent>
          <DialogActions>
            <Button onClick={() => setRevoking(undefined)}>Cancel</Button>
            <Button
              color="secondary"
              variant="contained"
              onClick={revoke}
              disabled={busy}
            >
              Revoke key
            </Button>
          </DialogActions>
        </Dialog>
      )}
    </InfoCard>
  );
}
