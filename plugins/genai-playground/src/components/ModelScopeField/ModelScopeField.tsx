import Checkbox from '@material-ui/core/Checkbox';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import { useInferenceModels } from '../../hooks/useInferenceModels';

/** The models an API key may call, one checkbox each; none checked means every model. */
export function ModelScopeField(props: {
  value: string[];
  onChange: (models: string[]) => void;
}) {
  const models = useInferenceModels();
  const toggle = (id: string) =>
    props.onChange(
      props.value.includes(id)
        ? props.value.filter(m => m !== id)
        : [...props.value, id],
    );
  return (
    <FormControl component="fieldset" margin="dense" fullWidth>
      <FormLabel component="legend">Models</FormLabel>
      {models.loading && <FormHelperText>Loading the models…</FormHelperText>}
      {models.error && (
        <FormHelperText error>
          Could not load the models: {models.error.message}
        </FormHelperText>
      )}
      <FormGroup row>
        {(models.value ?? []).map(m => (
          <FormControlLabel
            key={m.id}
            control={
              <Checkbox
                checked={props.value.includes(m.id)}
                onChange={() => toggle(m.id)}
                color="primary"
              />
            }
            label={m.id}
          />
        ))}
      </FormGroup>
      <FormHelperText>
        None selected: the key may call every model.
      </FormHelperText>
    </FormControl>
  );
}
