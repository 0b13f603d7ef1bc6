import type {
  CreateApiKeyRequest,
  CreatedApiKey,
} from '@genai-portal/plugin-genai-playground-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import {
  ApiKeyForm,
  emptyApiKeyForm,
  toCreateApiKeyRequest,
  validateApiKeyForm,
} from '../../lib/apiKeyForm';
import { CreatedApiKeyDialog } from '../CreatedApiKeyDialog';
import { ModelScopeField } from '../ModelScopeField';

export { validateApiKeyForm } from '../../lib/apiKeyForm';

/** The limit fields: each empty by default, which leaves the backend's default in place. */
function limitFields(currency: string) {
  return [
    {
      field: 'rpm',
      id: 'api-key-rpm',
      label: 'Requests per minute',
      help: 'Empty: the default limit',
    },
    {
      field: 'tpm',
      id: 'api-key-tpm',
      label: 'Tokens per minute',
      help: 'Empty: the default limit',
    },
    {
      field: 'monthlyBudget',
      id: 'api-key-budget',
      label: `Monthly budget (${currency})`,
      help: 'Empty: no budget',
    },
  ] as const;
}

/**
 * The "Create key" dialog: name, model scope (from `/v1/models`), limits and budget; after the
 * call it shows the secret once, with a copy button.
 */
export function CreateApiKeyDialog(props: {
  currency: string;
  onCreate: (request: CreateApiKeyRequest) => Promise<CreatedApiKey>;
  onClose: () => void;
}) {
  const [form, setForm] = useState<ApiKeyForm>(emptyApiKeyForm);
  const [touched, setTouched] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string>();
  const [created, setCreated] = useState<CreatedApiKey>();
  const errors = touched ? validateApiKeyForm(form) : {};

  const set =
    (field: keyof ApiKeyForm) => (e: React.ChangeEvent<HTMLInputElement>) =>
      setForm({ ...form, [field]: e.target.value });

  const submit = async () => {
    setTouched(true);
    if (Object.keys(validateApiKeyForm(form)).length > 0) {
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      setCreated(await props.onCreate(toCreateApiKeyRequest(form)));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSubmitting(false);
    }
  };

  if (created) {
    return <CreatedApiKeyDialog created={created} onClose={props.onClose} />;
  }

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
        <ModelScopeField
          value={form.models}
          onChange={models => setForm({ ...form, models })}
        />
        {limitFields(props.currency).map(({ field, id, label, help }) => (
          <TextField
            key={field}
            id={id}
            label={label}
            type="number"
            fullWidth
            margin="dense"
            value={form[field]}
            onChange={set(field)}
            error={Boolean(errors[field])}
            helperText={errors[field] ?? help}
          />
        ))}
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
