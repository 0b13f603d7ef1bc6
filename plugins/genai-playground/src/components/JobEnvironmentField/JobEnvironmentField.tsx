import type { Environment } from '@genai-portal/plugin-genai-playground-common';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';

/** The environment a job runs in: one of the team's ready environments, with its GPUs. */
export function JobEnvironmentField(props: {
  environments: Environment[];
  value: string;
  onChange: (e: { target: { value: unknown } }) => void;
  error?: string;
}) {
  return (
    <TextField
      id="job-environment"
      data-testid="job-environment-field"
      label="Environment"
      select
      required
      value={props.value}
      onChange={props.onChange}
      error={Boolean(props.error)}
      helperText={
        props.error ??
        (props.environments.length === 0
          ? 'You have no ready environment on an allowed pool: create one first'
          : "One of your team's ready environments; the job uses its GPU quota")
      }
      fullWidth
      margin="dense"
      variant="outlined"
    >
      {props.environments.map(e => (
        <MenuItem key={e.id} value={e.id}>
          {e.id} ({e.quota.gpus} GPUs, {e.gpuPool})
        </MenuItem>
      ))}
    </TextField>
  );
}
