import { InfoCard } from '@backstage/core-components';
import type {
  Environment,
  InferenceModel,
} from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { ChatParamsForm } from '../../hooks/useChatParams';
import { ChatParamsFields } from '../ChatParamsFields';
import { ModelPicker } from '../ModelPicker';

/** What the settings card edits; the page holds the state. */
export interface InferenceSettingsValues {
  modelIds: [string, string];
  compare: boolean;
  environment: string;
  systemPrompt: string;
}

/** The playground's settings card: models, compare mode, the environment charged, prompt, sampling. */
export function InferenceSettings(props: {
  models: InferenceModel[];
  environments: Environment[];
  values: InferenceSettingsValues;
  onChange: (change: Partial<InferenceSettingsValues>) => void;
  paramsForm: ChatParamsForm;
  onViewCode: () => void;
}) {
  const { models, values, onChange } = props;
  const pickModel = (index: 0 | 1) => (id: string) => {
    const modelIds: [string, string] = [values.modelIds[0], values.modelIds[1]];
    modelIds[index] = id;
    onChange({ modelIds });
  };
  return (
    <InfoCard title="Settings">
      {models.length === 0 && (
        <Alert severity="info">No models are available to you yet.</Alert>
      )}
      <ModelPicker
        label={values.compare ? 'Model A' : 'Model'}
        models={models}
        value={values.modelIds[0]}
        onChange={pickModel(0)}
      />
      {values.compare && (
        <ModelPicker
          label="Model B"
          models={models}
          value={values.modelIds[1]}
          onChange={pickModel(1)}
        />
      )}
      <FormControlLabel
        control={
          <Switch
            checked={values.compare}
            onChange={e => onChange({ compare: e.target.checked })}
            color="primary"
          />
        }
        label="Compare two models"
      />
      <TextField
        select
        fullWidth
        label="Environment (charged)"
        value={values.environment}
        onChange={e => onChange({ environment: e.target.value })}
        SelectProps={{ native: true }}
        // the empty choice has text of its own: the label must sit above it, not over it
        InputLabelProps={{ shrink: true }}
        inputProps={{ 'aria-label': 'Environment (charged)' }}
        variant="outlined"
        margin="dense"
        helperText="Without one, your first team is charged"
      >
        <option value="">Default (your team)</option>
        {props.environments
          .filter(e => e.status !== 'deleted')
          .map(e => (
            <option key={e.id} value={e.id}>
              {e.name} ({e.id})
            </option>
          ))}
      </TextField>
      <TextField
        fullWidth
        multiline
        minRows={3}
        label="System prompt"
        id="inference-system-prompt"
        value={values.systemPrompt}
        onChange={e => onChange({ systemPrompt: e.target.value })}
        variant="outlined"
        margin="dense"
      />
      <ChatParamsFields form={props.paramsForm} />
      <Box mt={2}>
        <Button
          variant="outlined"
          onClick={props.onViewCode}
          disabled={!values.modelIds[0]}
        >
          View code
        </Button>
      </Box>
    </InfoCard>
  );
}
