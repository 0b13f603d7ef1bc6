import { CopyTextButton } from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/core-plugin-api';
import type {
  CreateApiKeyRequest,
  CreatedApiKey,
} from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControl from '@material-ui/core/FormControl';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import FormGroup from '@material-ui/core/FormGroup';
import FormHelperText from '@material-ui/core/FormHelperText';
import FormLabel from '@material-ui/core/FormLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { listModels } from '../InferencePage/chat';

interface Form {
  name: string;
  models: string[];
  rpm: string;
  tpm: string;
  monthlyBudget: string;
}

type Errors = Partial<Record<keyof Form, string>>;

function wholeNumber(
  value: string,
  max: number,
  label: string,
): string | undefined {
  if (value.trim() === '') {
    return undefined;
  }
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    return `${label} must be a whole number of at least 1`;
  }
  if (n > max) {
    return `${label} must be at most ${max.toLocaleString('en-US')}`;
  }
  return undefined;
}

/** Checks the form against the backend's `createApiKeyRequestSchema`, with messages for people. */
export function validateApiKeyForm(form: Form): Errors {
  const errors: Errors = {};
  const name = form.name.trim();
  if (!name) {
    errors.name = 'Give the key a name, e.g. what it is for';
  } else if (name.length > 100) {
    errors.name = 'The name must be at most 100 characters';
  }
  errors.rpm = wholeNumber(form.rpm, 1_000_000, 'Requests per minute');
  errors.tpm = wholeNumber(form.tpm, 1_000_000_000, 'Tokens per minute');
  if (form.monthlyBudget.trim() !== '') {
    const budget = Number(form.monthlyBudget);
    if (!Number.isFinite(budget) || budget < 0) {
      errors.monthlyBudget = 'The budget must be a number of 0 or more';
    } else if (budget > 10_000_000) {
      errors.monthlyBudget = 'The budget must be at most 10,000,000';
    }
  }
  return Object.fromEntries(
    Object.entries(errors).filter(([, v]) => v),
  ) as Errors;
}

function toRequest(form: Form): CreateApiKeyRequest {
  return {
    name: form.name.trim(),
    ...(form.models.length ? { models: form.models } : {}),
    ...(form.rpm.trim() ? { rpm: Number(form.rpm) } : {}),
    ...(form.tpm.trim() ? { tpm: Number(form.tpm) } : {}),
    ...(form.monthlyBudget.trim()
      ? { monthlyBudget: Number(form.monthlyBudget) }
      : {}),
  };
}

const emptyForm: Form = {
  name: '',
  models: [],
  rpm: '',
  tpm: '',
  monthlyBudget: '',
};

/**
 * The "Create key" dialog: name, model scope (from `/v1/models`), limits and budget; after the
 * call it shows the secret once, with a copy button.
 */
export function CreateApiKeyDialog(props: {
  currency: string;
  onCreate: (request: CreateApiKeyRequest) => Promise<CreatedApiKey>;
  onClose: () => void;
}) {
  const fetchApi = useApi(fetchApiRef);
  const discoveryApi = useApi(discoveryApiRef);
  const models = useAsync(
    async () =>
      listModels(fetchApi, await discoveryApi.getBaseUrl('genai-playground')),
    [fetchApi, discoveryApi],
  );
  const [form, setForm] = useState<Form>(emptyForm);
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedApiKey>();
  const errors = touched ? validateApiKeyForm(form) : {};

  const set = (field: keyof Form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [field]: e.target.value });

  const submit = async () => {
    setTouched(true);
    if (Object.keys(validateApiKeyForm(form)).length > 0) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      setCreated(await props.onCreate(toRequest(form)));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSubmitting(false);
    }
  };

  if (created) {
    return (
      <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
        <DialogTitle>Key {created.name} created</DialogTitle>
        <DialogContent>
          <Alert severity="warning">
            Copy the key now: it is shown only once and cannot be shown again.
          </Alert>
          <Box display="flex" alignItems="center" mt={2}>
            <Typography
              variant="body2"
              component="code"
              data-testid="api-key-secret"
              style={{ wordBreak: 'break-all', fontFamily: 'monospace' }}
            >
              {created.key}
            </Typography>
            <CopyTextButton text={created.key} tooltipText="Key copied" />
          </Box>
        </DialogContent>
        <DialogActions>
          <Button color="primary" variant="contained" onClick={props.onClose}>
            Done
          </Button>
        </DialogActions>
      </Dialog>
    );
  }

  const toggleModel = (id: string) =>
    setForm({
      ...form,
      models: form.models.includes(id)
        ? form.models.filter(m => m !== id)
        : [...form.models, id],
    });

  return (
    <Dialog open onClose={props.onClose} maxWidth="sm" fullWidth>
      <DialogTitle>Create API key</DialogTitle>
      <DialogContent>
        {error && (
          <Box mb={2}>
            <Alert severity="error">{error}</Alert>
          </Box>
        )}
        <TextField
          id="api-key-name"
          label="Name"
          fullWidth
          required
          margin="dense"
          value={form.name}
          onChange={set('name')}
          error={Boolean(errors.name)}
          helperText={errors.name ?? 'What the key is for, e.g. "ci-evals"'}
        />
        <FormControl component="fieldset" margin="dense" fullWidth>
          <FormLabel component="legend">Models</FormLabel>
          {models.loading && (
            <FormHelperText>Loading the models…</FormHelperText>
          )}
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
                    checked={form.models.includes(m.id)}
                    onChange={() => toggleModel(m.id)}
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
        <TextField
          id="api-key-rpm"
          label="Requests per minute"
          type="number"
          fullWidth
          margin="dense"
          value={form.rpm}
          onChange={set('rpm')}
          error={Boolean(errors.rpm)}
          helperText={errors.rpm ?? 'Empty: the default limit'}
        />
        <TextField
          id="api-key-tpm"
          label="Tokens per minute"
          type="number"
          fullWidth
          margin="dense"
          value={form.tpm}
          onChange={set('tpm')}
          error={Boolean(errors.tpm)}
          helperText={errors.tpm ?? 'Empty: the default limit'}
        />
        <TextField
          id="api-key-budget"
          label={`Monthly budget (${props.currency})`}
          type="number"
          fullWidth
          margin="dense"
          value={form.monthlyBudget}
          onChange={set('monthlyBudget')}
          error={Boolean(errors.monthlyBudget)}
          helperText={errors.monthlyBudget ?? 'Empty: no budget'}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          onClick={submit}
          disabled={submitting}
        >
          Create
        </Button>
      </DialogActions>
    </Dialog>
  );
}
