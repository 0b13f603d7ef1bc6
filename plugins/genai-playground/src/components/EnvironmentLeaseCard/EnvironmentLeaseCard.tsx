import { InfoCard } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  environmentDeletePermission,
  environmentUpdatePermission,
  EnvironmentWithDetails,
  PlaygroundSettings,
} from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useState } from 'react';
import { formatDateTime, formatRelative } from '../../lib/format';
import { DeleteEnvironmentDialog } from '../DeleteEnvironmentDialog';
import { ExpiryText } from '../ExpiryText';
import { ExtendLeaseDialog } from '../ExtendLeaseDialog';
import { LabelledValue as Label } from '../LabelledValue';

/** The lease (expiry, creation, longest lease) with Extend and Delete, as the user may. */
export function EnvironmentLeaseCard(props: {
  environment: EnvironmentWithDetails;
  settings?: PlaygroundSettings;
  onChanged: () => void;
}) {
  const { environment, settings, onChanged } = props;
  const alertApi = useApi(alertApiRef);
  const [dialog, setDialog] = useState<'extend' | 'delete'>();
  const canUpdate = usePermission({
    permission: environmentUpdatePermission,
    resourceRef: environment.id,
  });
  const canDelete = usePermission({
    permission: environmentDeletePermission,
    resourceRef: environment.id,
  });
  const gone =
    environment.status === 'deleted' || environment.status === 'deleting';
  return (
    <InfoCard title="Lease">
      {environment.status === 'deleted' && (
        <Label label="Deleted">
          {environment.deletedAt
            ? `${formatRelative(environment.deletedAt)} (${formatDateTime(
                environment.deletedAt,
              )})`
            : 'yes'}
        </Label>
      )}
      {environment.status === 'deleting' && (
        <Label label="Lease">Ended: the environment is being deleted</Label>
      )}
      {!gone && (
        <Label label="Expires">
          <ExpiryText expiresAt={environment.expiresAt} /> (
          {formatDateTime(environment.expiresAt)})
        </Label>
      )}
      <Label label="Created">
        {formatRelative(environment.createdAt)} (
        {formatDateTime(environment.createdAt)})
      </Label>
      {settings && (
        <Label label="Longest lease">{settings.lease.maxTtlHours} hours</Label>
      )}
      <Box mt={2} display="flex" style={{ gap: 8 }}>
        <Button
          variant="contained"
          color="primary"
          disabled={gone || !settings || !canUpdate.allowed}
          onClick={() => setDialog('extend')}
        >
          Extend
        </Button>
        <Button
          variant="outlined"
          color="secondary"
          disabled={gone || !canDelete.allowed}
          onClick={() => setDialog('delete')}
        >
          Delete
        </Button>
      </Box>
      {settings && (
        <ExtendLeaseDialog
          open={dialog === 'extend'}
          environment={environment}
          maxTtlHours={settings.lease.maxTtlHours}
          defaultTtlHours={settings.lease.defaultTtlHours}
          onClose={() => setDialog(undefined)}
          onExtended={extended => {
            alertApi.post({
              message: `${extended.name} now expires ${formatDateTime(
                extended.expiresAt,
              )}`,
              severity: 'success',
              display: 'transient',
            });
            onChanged();
          }}
        />
      )}
      <DeleteEnvironmentDialog
        open={dialog === 'delete'}
        environment={environment}
        onClose={() => setDialog(undefined)}
        onDeleted={deleted => {
          alertApi.post({
            message: `${deleted.name} is being deleted`,
            severity: 'info',
            display: 'transient',
          });
          onChanged();
        }}
      />
    </InfoCard>
  );
}
