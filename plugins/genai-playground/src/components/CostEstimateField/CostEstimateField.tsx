import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import type { FieldExtensionComponentProps } from '@backstage/plugin-scaffolder-react';
import Box from '@material-ui/core/Box';
import Paper from '@material-ui/core/Paper';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  GPU_POOLS,
  GpuPool,
  PlaygroundSettings,
  projectMonthlyCost,
  QuotaCostInput,
} from '@genai-portal/plugin-genai-playground-common';
import {
  genaiPlaygroundApiRef,
  useSettings,
} from '@genai-portal/plugin-genai-playground-react';
import { useEffect } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { errorMessage } from '../../lib/errors';
import { formatMoney, shortRef } from '../../lib/format';
import { teamLimitsFor } from '../../lib/teamLimits';
import { CostBreakdown } from '../CostBreakdown';

/** A number from a form value: numbers as they are, numeric strings parsed, else undefined. */
function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    return value;
  }
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/**
 * The quota to price from the template's other fields (`gpuPool`, `gpus`, `cpu`, `memoryGi`,
 * `storageGi`), or undefined until a known pool is chosen. Missing numbers count as zero.
 */
export function readCostInput(
  formData: Record<string, unknown>,
): QuotaCostInput | undefined {
  const pool = formData.gpuPool;
  if (
    typeof pool !== 'string' ||
    !(GPU_POOLS as readonly string[]).includes(pool)
  ) {
    return undefined;
  }
  return {
    gpuPool: pool as GpuPool,
    gpus: Math.max(0, toNumber(formData.gpus) ?? 0),
    cpu: Math.max(0, toNumber(formData.cpu) ?? 0),
    memoryGi: Math.max(0, toNumber(formData.memoryGi) ?? 0),
    storageGi: Math.max(0, toNumber(formData.storageGi) ?? 0),
  };
}

/** What the field's value becomes: "USD 8,760.00 / month". */
export function formatMonthlyTotal(total: number, currency: string): string {
  return `${formatMoney(total, currency)} / month`;
}

function TeamCapWarning(props: {
  team: string;
  gpus: number;
  settings: PlaygroundSettings;
}) {
  const { team, gpus, settings } = props;
  const api = useApi(genaiPlaygroundApiRef);
  const cap = teamLimitsFor(settings, team).gpus;
  // What the team's environments already hold; a failure only drops this part of the warning.
  const { value: committed } = useAsync(async () => {
    const { items } = await api.getTeamQuotas({ team });
    return items[0]?.gpus.hard;
  }, [api, team]);

  const name = shortRef(team);
  if (gpus > cap) {
    return (
      <Alert severity="warning" data-testid="team-cap-warning">
        {gpus} GPUs is more than {name}'s cap of {cap} GPUs across all its
        environments. The request will probably be refused; ask the platform
        team for a higher cap or request fewer GPUs.
      </Alert>
    );
  }
  if (committed !== undefined && committed + gpus > cap) {
    return (
      <Alert severity="warning" data-testid="team-cap-warning">
        {name}'s environments already hold {committed} of its {cap} GPUs; {gpus}{' '}
        more would exceed the cap. Free GPUs by deleting an environment, or
        request fewer.
      </Alert>
    );
  }
  return null;
}

/**
 * A read-only scaffolder field (`ui:field: GenaiCostEstimate`) that prices the environment being
 * requested while the form is filled in: it reads the other fields from the form context,
 * applies the rate card from `GET /settings`, shows the breakdown and the total, warns when the
 * GPUs exceed the team's cap, and sets its own value to the total.
 * @public
 */
export function GenaiCostEstimateField(
  props: FieldExtensionComponentProps<string>,
) {
  const { onChange, formData: value, schema } = props;
  const formData = (props.formContext?.formData ?? {}) as Record<
    string,
    unknown
  >;
  const settings = useSettings();
  const input = readCostInput(formData);
  const rate = input && settings.value?.rateCard.gpuHour[input.gpuPool];
  const cost =
    input && settings.value && rate !== undefined
      ? projectMonthlyCost(input, settings.value.rateCard)
      : undefined;
  const total = cost
    ? formatMonthlyTotal(cost.total, cost.currency)
    : undefined;

  useEffect(() => {
    if (total !== undefined && total !== value) {
      onChange(total);
    }
  }, [total, value, onChange]);

  const team =
    typeof formData.team === 'string' && formData.team
      ? formData.team
      : undefined;

  return (
    <Paper variant="outlined">
      <Box p={2}>
        <Typography variant="subtitle1">
          {schema?.title ?? 'Projected monthly cost'}
        </Typography>
        <Typography variant="body2" color="textSecondary" gutterBottom>
          {schema?.description ??
            'What the quota costs if it is held for a whole month, at the rate card’s prices.'}
        </Typography>
        {settings.loading && !settings.value && <Progress />}
        {settings.error && (
          <Alert severity="error">
            The rate card could not be loaded: {errorMessage(settings.error)}
          </Alert>
        )}
        {settings.value && !input && (
          <Typography color="textSecondary" data-testid="cost-waiting">
            Choose a GPU pool to see the projected cost.
          </Typography>
        )}
        {settings.value && input && rate === undefined && (
          <Alert severity="info">
            The rate card has no GPU price for {input.gpuPool}.
          </Alert>
        )}
        {cost && input && settings.value && (
          <>
            <Typography
              variant="h5"
              component="p"
              data-testid="cost-estimate-total"
            >
              {total}
            </Typography>
            <CostBreakdown
              cost={cost}
              quota={input}
              rateCard={settings.value.rateCard}
            />
          </>
        )}
        {settings.value && input && team && (
          <Box mt={2}>
            <TeamCapWarning
              team={team}
              gpus={input.gpus}
              settings={settings.value}
            />
          </Box>
        )}
      </Box>
    </Paper>
  );
}
