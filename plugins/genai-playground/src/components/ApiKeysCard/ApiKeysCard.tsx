import { InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { ApiKeysTable } from '../ApiKeysTable';
import { RevokeApiKeyDialog } from '../RevokeApiKeyDialog';
import { CreateApiKeyDialog } from './CreateApiKeyDialog';

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
  const currency = props.currency ?? keys.value?.[0]?.currency ?? 'USD';

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
        <ApiKeysTable keys={keys.value} onRevoke={setRevoking} />
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
        <RevokeApiKeyDialog
          environmentId={environmentId}
          apiKey={revoking}
          onClose={() => setRevoking(undefined)}
          onRevoked={() => {
            alertApi.post({
              message: `Key ${revoking.name} revoked`,
              severity: 'success',
              display: 'transient',
            });
            setRevoking(undefined);
            keys.retry();
          }}
        />
      )}
    </InfoCard>
  );
}
