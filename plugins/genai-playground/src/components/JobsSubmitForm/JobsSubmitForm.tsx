import { InfoCard, Progress } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  GPUS_PER_NODE,
  isImageFromAllowedRegistry,
  submitJobRequestSchema,
  type Environment,
  type JobEnvVar,
  type JobSettings,
  type SubmitJobRequest,
} from '@genai-portal/plugin-genai-playground-common';
import {
  genaiPlaygroundApiRef,
  useEnvironments,
  useSettings,
} from '@genai-portal/plugin-genai-playground-react';
import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { errorMessage } from '../../lib/errors';
import { jobRouteRef } from '../../routes';

/** The form's fields, as typed. */
export interface JobsSubmitFormValues {
  environment: string;
  name: string;
  image: string;
  /** One argument per line. */
  command: string;
  /** One argument per line. */
  args: string;
  /** `NAME=value`, or `NAME=secret:<secret>/<key>` for a key of a Secret, one per line. */
  env: string;
  gpus: string;
  pods: string;
  maxRuntimeHours: string;
  retries: string;
}

type Errors = Partial<Record<keyof JobsSubmitFormValues, string>>;

const lines = (text: string) =>
  text
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean);

/** A number as typed, or the text itself when it is not one (so the schema names the field). */
const numberOrText = (text: string) => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
};

function parseEnv(text: string): { env: JobEnvVar[]; error?: string } {
  const env: JobEnvVar[] = [];
  for (const line of lines(text)) {
    const eq = line.indexOf('=');
    if (eq < 1) {
      return { env, error: `"${line}" is not NAME=value` };
    }
    const name = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    const secret = /^secret:([^/\s]+)\/(\S+)$/.exec(value);
    env.push(
      secret
        ? {
            name,
            valueFrom: { secretKeyRef: { name: secret[1], key: secret[2] } },
          }
        : { name, value },
    );
  }
  return { env };
}

/**
 * The request the form's values make, checked as the template and the backend check it: the
 * request schema (GPUs 1 to 8, a list of strings as command, secrets only by reference) and the
 * configured bounds (registries, runtime, pods, retries). Returns the problems by field.
 */
export function toSubmitRequest(
  values: JobsSubmitFormValues,
  settings: JobSettings | undefined,
): { request?: SubmitJobRequest; errors: Errors } {
  const errors: Errors = {};
  const { env, error: envError } = parseEnv(values.env);
  if (envError) errors.env = envError;
  const command = lines(values.command);
  const args = lines(values.args);
  const candidate = {
    environment: values.environment,
    ...(values.name.trim() ? { name: values.name.trim() } : {}),
    image: values.image.trim(),
    ...(command.length ? { command } : {}),
    ...(args.length ? { args } : {}),
    ...(env.length ? { env } : {}),
    gpus: numberOrText(values.gpus),
    pods: numberOrText(values.pods),
    maxRuntimeHours: numberOrText(values.maxRuntimeHours),
    retries: numberOrText(values.retries),
  };
  const parsed = submitJobRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]) as keyof JobsSubmitFormValues;
      const where = issue.path.length > 1 ? `${issue.path.join('.')}: ` : '';
      errors[field] ??= `${where}${issue.message}`;
    }
  }
  if (!values.environment) errors.environment = 'Pick an environment';
  if (settings) {
    if (
      candidate.image &&
      !errors.image &&
      !isImageFromAllowedRegistry(candidate.image, settings.allowedRegistries)
    ) {
      errors.image = `Not from an allowed registry: ${settings.allowedRegistries.join(
        ', ',
      )}`;
    }
    const runtime = candidate.maxRuntimeHours;
    if (typeof runtime === 'number' && runtime > settings.maxRuntimeHours) {
      errors.maxRuntimeHours = `At most ${settings.maxRuntimeHours} hours`;
    }
    if (
      typeof candidate.pods === 'number' &&
      candidate.pods > settings.maxPods
    ) {
      errors.pods = `At most ${settings.maxPods} pods`;
    }
    if (
      typeof candidate.retries === 'number' &&
      candidate.retries > settings.maxRetries
    ) {
      errors.retries = `At most ${settings.maxRetries}`;
    }
  }
  if (Object.keys(errors).length > 0 || !parsed.success) {
    return { errors };
  }
  return { request: candidate as SubmitJobRequest, errors };
}

function newKey() {
  return `ui-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * The job submit form: environment (the ready environments the user may use), image, command
 * and arguments (one per line), environment variables (secrets by reference), GPUs per pod, pods,
 * maximum runtime and retries, checked as the template checks them before anything is sent. The
 * backend's refusal (a quota that cannot hold the job, say) is shown as it answered. A submit
 * sends an idempotency key, so a double click makes one job.
 * @public
 */
export function JobsSubmitForm(props: { environment?: string }) {
  const api = useApi(genaiPlaygroundApiRef);
  const navigate = useNavigate();
  const jobLink = useRouteRef(jobRouteRef);
  const [search] = useSearchParams();
  const { value: settings } = useSettings();
  const environments = useEnvironments({});
  const jobSettings = settings?.jobs;
  const usable = useMemo(
    () =>
      (environments.value ?? []).filter(
        (e: Environment) =>
          e.status === 'ready' &&
          (!jobSettings || jobSettings.allowedPools.includes(e.gpuPool)),
      ),
    [environments.value, jobSettings],
  );
  const [values, setValues] = useState<JobsSubmitFormValues>({
    environment: props.environment ?? search.get('environment') ?? '',
    name: '',
    image: '',
    command: '',
    args: '',
    env: '',
    gpus: '8',
    pods: '1',
    maxRuntimeHours: '',
    retries: '0',
  });
  const [errors, setErrors] = useState<Errors>({});
  const [failure, setFailure] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newKey);

  const set =
    (field: keyof JobsSubmitFormValues) =>
    (e: { target: { value: unknown } }) => {
      setValues(v => ({ ...v, [field]: String(e.target.value) }));
      setErrors(x => ({ ...x, [field]: undefined }));
      // Another request deserves another key: the same key is for retrying the same one.
      setKey(newKey());
    };

  const submit = async () => {
    const { request, errors: found } = toSubmitRequest(
      {
        ...values,
        maxRuntimeHours:
          values.maxRuntimeHours ||
          String(jobSettings?.defaultRuntimeHours ?? ''),
      },
      jobSettings,
    );
    setErrors(found);
    setFailure(undefined);
    if (!request) {
      return;
    }
    setBusy(true);
    try {
      const job = await api.submitJob(request, { idempotencyKey: key });
      navigate(jobLink({ id: job.id }));
    } catch (e) {
      setFailure(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  if (!settings || (environments.loading && !environments.value)) {
    return <Progress />;
  }

  const field = (
    name: keyof JobsSubmitFormValues,
    label: string,
    extra: Record<string, unknown> = {},
    help?: string,
  ) => (
    <TextField
      id={`job-${name}`}
      label={label}
      value={values[name]}
      onChange={set(name)}
      error={Boolean(errors[name])}
      helperText={errors[name] ?? help}
      fullWidth
      margin="dense"
      variant="outlined"
      {...extra}
    />
  );

  return (
    <InfoCard title="Submit a blueprint job">
      <form
        noValidate
        onSubmit={e => {
          e.preventDefault();
          submit();
        }}
      >
        <Grid container spacing={2}>
          <Grid item xs={12} md={6}>
            <TextField
              id="job-environment"
              data-testid="job-environment-field"
              label="Environment"
              select
              required
              value={values.environment}
              onChange={set('environment')}
              error={Boolean(errors.environment)}
              helperText={
                errors.environment ??
                (usable.length === 0
                  ? 'You have no ready environment on an allowed pool: create one first'
                  : "One of your team's ready environments; the job uses its GPU quota")
              }
              fullWidth
              margin="dense"
              variant="outlined"
            >
              {usable.map(e => (
                <MenuItem key={e.id} value={e.id}>
                  {e.id} ({e.quota.gpus} GPUs, {e.gpuPool})
                </MenuItem>
              ))}
            </TextField>
          </Grid>
          <Grid item xs={12} md={6}>
            {field('name', 'Name', {}, "Defaults to the image's name")}
          </Grid>
          <Grid item xs={12}>
            {field(
              'image',
              'Image',
              { required: true },
              `From ${
                jobSettings?.allowedRegistries.join(', ') ??
                'an allowed registry'
              }`,
            )}
          </Grid>
          <Grid item xs={12} md={6}>
            {field(
              'command',
              'Command',
              { multiline: true, minRows: 2 },
              'One argument per line, e.g. python, then train.py',
            )}
          </Grid>
          <Grid item xs={12} md={6}>
            {field(
              'args',
              'Arguments',
              { multiline: true, minRows: 2 },
              'One argument per line',
            )}
          </Grid>
          <Grid item xs={12}>
            {field(
              'env',
              'Environment variables',
              { multiline: true, minRows: 2 },
              'NAME=value per line; secrets as NAME=secret:<secret>/<key> from a Secret of the environment',
            )}
          </Grid>
          <Grid item xs={6} md={3}>
            {field(
              'gpus',
              'GPUs per pod',
              {
                type: 'number',
                required: true,
                inputProps: { min: 1, max: GPUS_PER_NODE },
              },
              `1 to ${GPUS_PER_NODE}; ${GPUS_PER_NODE} is a whole node`,
            )}
          </Grid>
          <Grid item xs={6} md={3}>
            {field(
              'pods',
              'Pods',
              {
                type: 'number',
                inputProps: { min: 1, max: jobSettings?.maxPods },
              },
              'More than one runs across nodes',
            )}
          </Grid>
          <Grid item xs={6} md={3}>
            {field(
              'maxRuntimeHours',
              'Maximum runtime (hours)',
              {
                type: 'number',
                placeholder: String(jobSettings?.defaultRuntimeHours ?? ''),
              },
              `At most ${jobSettings?.maxRuntimeHours ?? '?'} hours`,
            )}
          </Grid>
          <Grid item xs={6} md={3}>
            {field(
              'retries',
              'Retries',
              { type: 'number', inputProps: { min: 0 } },
              'Failed pods retried before the job fails',
            )}
          </Grid>
        </Grid>
        {failure && (
          <Box mt={2}>
            <Alert severity="error" data-testid="job-submit-error">
              <AlertTitle>The job was not submitted</AlertTitle>
              {failure}
            </Alert>
          </Box>
        )}
        <Box mt={2} display="flex" style={{ gap: 8 }}>
          <Button
            type="submit"
            variant="contained"
            color="primary"
            disabled={busy}
          >
            Submit job
          </Button>
        </Box>
      </form>
    </InfoCard>
  );
}
