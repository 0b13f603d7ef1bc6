import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import ArrowBackIcon from '@material-ui/icons/ArrowBack';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  useEnvironment,
  useSettings,
} from '@genai-portal/plugin-genai-playground-react';
import { Link as RouterLink, useParams } from 'react-router-dom';
import { isNotVisible } from '../../lib/errors';
import { rootRouteRef } from '../../routes';
import { ApiKeysCard } from '../ApiKeysCard';
import { EnvironmentCostCard } from '../EnvironmentCostCard';
import { EnvironmentHeader } from '../EnvironmentHeader';
import { EnvironmentHistory } from '../EnvironmentHistory';
import { EnvironmentLeaseCard } from '../EnvironmentLeaseCard';
import { EnvironmentNotFound } from '../EnvironmentNotFound';
import { EnvironmentPodsTable } from '../EnvironmentPodsTable';
import { EnvironmentQuotaCard } from '../EnvironmentQuotaCard';

export { EnvironmentNotFound } from '../EnvironmentNotFound';

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
            <EnvironmentQuotaCard
              environment={environment}
              refreshing={loading}
              onRefresh={refresh}
            />
          </Grid>
          <Grid item xs={12} lg={4}>
            <EnvironmentLeaseCard
              environment={environment}
              settings={settings}
              onChanged={refresh}
            />
          </Grid>
          <Grid item xs={12} lg={8}>
            <EnvironmentPodsTable pods={environment.pods} title="Pods" />
          </Grid>
          <Grid item xs={12} lg={4}>
            <EnvironmentCostCard
              environment={environment}
              settings={settings}
            />
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
