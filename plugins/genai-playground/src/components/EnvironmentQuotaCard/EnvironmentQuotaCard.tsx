import { InfoCard } from '@backstage/core-components';
import type { EnvironmentWithDetails } from '@genai-portal/plugin-genai-playground-common';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { formatDateTime, formatRelative } from '../../lib/format';
import { QuotaGauges } from '../QuotaGauges';

/** The quota gauges, with when the cluster's usage was read and a button to read it again. */
export function EnvironmentQuotaCard(props: {
  environment: EnvironmentWithDetails;
  refreshing: boolean;
  onRefresh: () => void;
}) {
  const { environment } = props;
  return (
    <InfoCard
      title="Quota"
      action={
        <Tooltip title="Read the usage again">
          <IconButton
            aria-label="Refresh usage"
            onClick={props.onRefresh}
            disabled={props.refreshing}
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
  );
}
