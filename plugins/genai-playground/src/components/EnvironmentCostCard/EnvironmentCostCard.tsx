import { InfoCard, Progress } from '@backstage/core-components';
import {
  EnvironmentWithDetails,
  PlaygroundSettings,
  projectMonthlyCost,
} from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { formatMoney } from '../../lib/format';
import { CostBreakdown } from '../CostBreakdown';

/** The environment's quota priced for a month at the rate card, against its budget. */
export function EnvironmentCostCard(props: {
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
