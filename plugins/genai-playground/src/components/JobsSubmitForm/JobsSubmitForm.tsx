import { InfoCard, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import {
  GPUS_PER_NODE,
  type Environment,
} from '@genai-portal/plugin-genai-playground-common';
import {
  useEnvironments,
  useSettings,
} from '@genai-portal/plugin-genai-playground-react';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useJobSubmit } from '../../hooks/useJobSubmit';
import type { JobsSubmitFormValues } from '../../lib/jobSubmitRequest';
import { JobEnvironmentField } from '../JobEnvironmentField';

export { toSubmitRequest } from '../../lib/jobSubmitRequest';
export type { JobsSubmitFormValues } from '../../lib/jobSubmitRequest';

/**
 * The job submit form: environment (the ready environments the user may use), image, command
 * and arguments (one per line), environment variables (secrets by reference), GPUs per pod, pods,
 * maximum runtime and retries, checked as the template checks them before anything is sent. The
 * backend's refusal (a quota that cannot hold the job, say) is shown as it answered. A submit
 * sends an idempotency key, so a double click makes one job.
 * @public
 */
export function JobsSubmitForm(props: { environment?: string }) {
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
  const { values, errors, set, submit, busy, failure } = useJobSubmit(
    props.environment ?? search.get('environment') ?? '',
    jobSettings,
  );

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
            <JobEnvironmentField
              environments={usable}
              value={values.environment}
              onChange={set('environment')}
              error={errors.environment}
            />
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
