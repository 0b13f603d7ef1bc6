import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import type {
  CostDimension,
  CostInterval,
} from '@genai-portal/plugin-genai-insights-common';
import type { RangeKind } from '../../lib/ranges';
import { TeamPicker } from '../TeamPicker';

/** What the chart can be stacked by on this page. */
export type StackBy = Extract<
  CostDimension,
  'pool' | 'category' | 'model' | 'environment' | 'team'
>;

export const STACK_LABELS: Record<StackBy, string> = {
  pool: 'GPU pool',
  category: 'Category',
  model: 'Model',
  environment: 'Environment',
  team: 'Team',
};

const RANGE_LABELS: Record<RangeKind, string> = {
  month: 'This month',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  custom: 'Custom',
};

export interface CostFiltersProps {
  teamOptions: string[];
  teams: string[];
  onTeamsChange: (teams: string[]) => void;
  rangeKind: RangeKind;
  onRangeKindChange: (kind: RangeKind) => void;
  custom: { from: string; to: string };
  onCustomChange: (custom: { from: string; to: string }) => void;
  customError?: string;
  interval: CostInterval;
  onIntervalChange: (interval: CostInterval) => void;
  stackBy: StackBy;
  onStackByChange: (stackBy: StackBy) => void;
}

/** Teams, range, interval and stacking of the cost page. */
export function CostFilters(props: CostFiltersProps) {
  return (
    <Grid container spacing={2} alignItems="flex-start">
      <Grid item xs={12} md={4}>
        <TeamPicker
          options={props.teamOptions}
          value={props.teams}
          onChange={props.onTeamsChange}
        />
      </Grid>
      <Grid item xs={6} md={2}>
        <TextField
          select
          fullWidth
          id="genai-insights-range"
          label="Range"
          value={props.rangeKind}
          onChange={e => props.onRangeKindChange(e.target.value as RangeKind)}
        >
          {(Object.keys(RANGE_LABELS) as RangeKind[]).map(kind => (
            <MenuItem key={kind} value={kind}>
              {RANGE_LABELS[kind]}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      <Grid item xs={6} md={2}>
        <TextField
          select
          fullWidth
          id="genai-insights-interval"
          label="Interval"
          value={props.interval}
          onChange={e => props.onIntervalChange(e.target.value as CostInterval)}
        >
          <MenuItem value="day">Day</MenuItem>
          <MenuItem value="week">Week</MenuItem>
          <MenuItem value="month">Month</MenuItem>
        </TextField>
      </Grid>
      <Grid item xs={6} md={2}>
        <TextField
          select
          fullWidth
          id="genai-insights-stack-by"
          label="Stack by"
          value={props.stackBy}
          onChange={e => props.onStackByChange(e.target.value as StackBy)}
        >
          {(Object.keys(STACK_LABELS) as StackBy[]).map(key => (
            <MenuItem key={key} value={key}>
              {STACK_LABELS[key]}
            </MenuItem>
          ))}
        </TextField>
      </Grid>
      {props.rangeKind === 'custom' && (
        <>
          <Grid item xs={6} md={2}>
            <TextField
              fullWidth
              id="genai-insights-from"
              label="From (UTC)"
              type="date"
              value={props.custom.from}
              InputLabelProps={{ shrink: true }}
              onChange={e =>
                props.onCustomChange({ ...props.custom, from: e.target.value })
              }
            />
          </Grid>
          <Grid item xs={6} md={2}>
            <TextField
              fullWidth
              id="genai-insights-to"
              label="To (UTC, included)"
              type="date"
              value={props.custom.to}
              InputLabelProps={{ shrink: true }}
              error={!!props.customError}
              helperText={props.customError}
              onChange={e =>
                props.onCustomChange({ ...props.custom, to: e.target.value })
              }
            />
          </Grid>
        </>
      )}
    </Grid>
  );
}
