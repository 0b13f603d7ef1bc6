import { useApi } from '@backstage/core-plugin-api';
import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import { genaiPlaygroundApiRef } from '@genai-portal/plugin-genai-playground-react';
import Typography from '@material-ui/core/Typography';
import { useConfirmAction } from '../../hooks/useConfirmAction';
import { ConfirmDialog } from '../ConfirmDialog';

/** Asks before revoking a key: its calls are refused from then on. */
export function RevokeApiKeyDialog(props: {
  environmentId: string;
  apiKey: Pick<ApiKeyWithUsage, 'id' | 'name' | 'prefix'>;
  onClose: () => void;
  onRevoked: () => void;
}) {
  const { apiKey } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const { busy, failure, confirm } = useConfirmAction(true, async () => {
    await api.revokeApiKey(props.environmentId, apiKey.id);
    props.onRevoked();
  });
  return (
    <ConfirmDialog
      open
      title={`Revoke key ${apiKey.name}?`}
      cancelLabel="Cancel"
      confirmLabel="Revoke key"
      confirmColor="secondary"
      busy={busy}
      failure={failure}
      onConfirm={confirm}
      onClose={props.onClose}
    >
      <Typography variant="body2">
        Calls with {apiKey.prefix}… will be refused from now on. This cannot be
        undone.
      </Typography>
    </ConfirmDialog>
  );
}
