import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { alertApiRef, useApi, useRouteRef } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  environmentDeletePermission,
  environmentUpdatePermission,
  EnvironmentWithDetails,
  PlaygroundSettings,
  projectMonthlyCost,
} from '@genai-portal/plugin-genai-playground-common';
import {
  useEnvironment,
  useSettings,
} from '@genai-portal/plugin-genai-playground-react';
import { useState } from 'react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { isNotVisible } from '../../lib/errors';
import {
  formatDateTime,
  formatMoney,
  formatRelative,
  shortRef,
} from '../../lib/format';
import { rootRouteRef } from '../../routes';
import { ApiKeysCard } from '../ApiKeysCard';
import { CostBreakdown } from '../CostBreakdown';
import { DeleteEnvironmentDialog } from '../DeleteEnvironmentDialog';
import { EnvironmentHistory } from '../EnvironmentHistory';
import { EnvironmentPodsTable } from '../EnvironmentPodsTable';
import { EnvironmentStatusChip } from '../EnvironmentStatusChip';
import { ExpiryText } from '../ExpiryText';
import { ExtendLeaseDialog } from '../ExtendLeaseDialog';
import { QuotaGauges } from '../QuotaGauges';

function Label(props: { label: string; children: React.ReactNode }) {
  return (
    <Box mr={4} mb={1}>
      <Typography variant="caption" color="textSecondary" component="div">
        {props.label}
      </Typography>
      <Typography variant="body2" component="div">
        {props.children}
      </Typography>
    </Box>
  );
}

function EnvironmentHeader(props: { environment: EnvironmentWithDetails }) {
  const { environment: e } = props;
  return (
    <Box mb={3}>
      <Box display="flex" alignItems="center" flexWrap="wrap">
        <Typography variant="h4" component="h1" style={{ marginRight: 16 }}>
          {e.name}
        </Typography>
        <EnvironmentStatusChip status={e.status} size="medium" />
        <Box ml={1}>
          <Chip size="small" variant="outlined" label={e.gpuPool} />
        </Box>
      </Box>
      <Box display="flex" flexWrap="wrap" mt={2}>
        <Label label="Team">{shortRef(e.team)}</Label>
        <Label label="GPU pool">{e.gpuPool}</Label>
        <Label label="Namespace">{e.namespace}</Label>
        <Label label="Cluster">{e.cluster}</Label>
        <Label label="Owner">{shortRef(e.owner)}</Label>
        <Label label="Cost center">{e.costCenter}</Label>
        <Label label="Data">{e.dataClassification}</Label>
        <Label label="Security level">{e.securityLevel}</Label>
        <Label label="Catalog">
          <Link to={`/catalog/default/resource/${e.namespace}`}>
            resource:{e.namespace}
          </Link>
        </Label>
      </Box>
      {e.description && (
        <Typography variant="body1" color="textSecondary">
          {e.description}
        </Typography>
      )}
    </Box>
  );
}

function LeaseCard(props: {
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

function CostCard(props: {
  environment: EnvironmentWithDetails;
  settings?: PlaygroundSettings;
}) {
  const { environment: e, settings } = props;
  if (!settings) {
    return (
      <InfoCard title="Projected monthly cost">
        <Progress />
      </InfoCard>
    );
  }
  const quota = {
    gpuPool: e.gpuPool,
    gpus: e.quota.gpus,
    cpu: e.quota.cpu,
    memoryGi: e.quota.memoryGi,
    storageGi: e.quota.storageGi,
  };
  const cost = projectMonthlyCost(quota, settings.rateCard);
  const overBudget =
    e.monthlyBudget !== undefined && cost.total > e.monthlyBudget;
  return (
    <InfoCard
      title="Projected monthly cost"
      subheader="The quota held for a whole month at the rate card's prices"
    >
      <CostBreakdown cost={cost} quota={quota} rateCard={settings.rateCard} />
      {e.monthlyBudget !== undefined && (
        <Box mt={2}>
          <Typography
            variant="body2"
            color={overBudget ? 'error' : 'textSecondary'}
          >
            Budget {formatMoney(e.monthlyBudget, cost.currency)} per month
            {overBudget ? ': the projection exceeds it' : ''}
          </Typography>
        </Box>
      )}
    </InfoCard>
  );
}

/** A clear answer for an id the backend does not know. */
export function EnvironmentNotFound(props: { id: string }) {
  const listLink = useRouteRef(rootRouteRef);
  return (
    <EmptyState
      missing="data"
      title={`Environment ${props.id} not found`}
      description="No playground environment by this name is visible to you: it does not exist, it was deleted and purged, or it belongs to a team you are not in."
      action={
        <Button
          variant="contained"
          color="primary"
          component={RouterLink}
          to={listLink()}
        >
          Back to the environments
        </Button>
      }
    />
  );
}

/**
 * One environment: header, quota gauges with the time usage was read, pods, lease with Extend
 * and Delete, cost and history.
 * @public
 */
export function EnvironmentDetailPage(props: { id?: string }) {
  const params = useParams();
  const id = props.id ?? params.id ?? '';
  const listLink = useRouteRef(rootRouteRef);
  const { value: environment, loading, error, refresh } = useEnvironment(id);
  const { value: settings } = useSettings();

  let content: React.ReactNode;
  if (loading && !environment) {
    content = <Progress />;
  } else if (error && isNotVisible(error)) {
    content = <EnvironmentNotFound id={id} />;
  } else if (error) {
    content = <ResponseErrorPanel error={error} />;
  } else if (environment) {
    content = (
      <>
        <EnvironmentHeader environment={environment} />
        {environment.clusterError && (
          <Box mb={2}>
            <Alert severity="warning">
              <AlertTitle>The cluster could not be read</AlertTitle>
              Quota usage and pods are not shown: {environment.clusterError}
            </Alert>
          </Box>
        )}
        {environment.status === 'failed' && environment.statusMessage && (
          <Box mb={2}>
            <Alert severity="error">
              <AlertTitle>Creating this environment failed</AlertTitle>
              {environment.statusMessage}
            </Alert>
          </Box>
        )}
        <Grid container spacing={3}>
          <Grid item xs={12} lg={8}>
            <InfoCard
              title="Quota"
              action={
                <Tooltip title="Read the usage again">
                  <IconButton
                    aria-label="Refresh usage"
                    onClick={refresh}
                    disabled={loading}
                  >
                    <RefreshIcon />
                  </IconButton>
                </Tooltip>
              }
              subheader={
                environment.quotaUsage
                  ? `Usage read from the cluster ${formatRelative(
                      environment.quotaUsage.readAt,
                    )} (${formatDateTime(environment.quotaUsage.readAt)})`
                  : 'No usage from the cluster: the sized quota is shown'
              }
            >
              <QuotaGauges environment={environment} />
            </InfoCard>
          </Grid>
          <Grid item xs={12} lg={4}>
            <LeaseCard
              environment={environment}
              settings={settings}
              onChanged={refresh}
            />
          </Grid>
          <Grid item xs={12} lg={8}>
            <EnvironmentPodsTable pods={environment.pods} title="Pods" />
          </Grid>
          <Grid item xs={12} lg={4}>
            <CostCard environment={environment} settings={settings} />
          </Grid>
          {environment.status !== 'deleted' && (
            <Grid item xs={12}>
              <ApiKeysCard
                environmentId={environment.id}
                currency={environment.currency}
              />
            </Grid>
          )}
          <Grid item xs={12}>
            <InfoCard title="History">
              <EnvironmentHistory
                id={environment.id}
                refreshKey={`${environment.updatedAt}/${environment.status}/${environment.expiresAt}`}
              />
            </InfoCard>
          </Grid>
        </Grid>
      </>
    );
  }

  return (
    <>
      <Box mb={2}>
        <Button
          component={RouterLink}
          to={listLink()}
          startIcon={<ArrowBackIcon />}
          size="small"
        >
          All environments
        </Button>
      </Box>
      {content}
    </>
  );
}
