import type { InferenceModel } from '@genai-portal/plugin-genai-playground-common';
import TextField from '@material-ui/core/TextField';

/** A native select of the gateway's models, labelled for screen readers and tests alike. */
export function ModelPicker(props: {
  label: string;
  models: InferenceModel[];
  value: string;
  onChange: (id: string) => void;
}) {
  return (
    <TextField
      select
      fullWidth
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': props.label }}
      variant="outlined"
      margin="dense"
    >
      {props.models.map(m => (
        <option key={m.id} value={m.id}>
          {m.id}
        </option>
      ))}
    </TextField>
  );
}
