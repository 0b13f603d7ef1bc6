import { ContentHeader, ResponseErrorPanel } from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import {
  JOB_STATUSES,
  type JobStatus,
} from '@genai-portal/plugin-genai-playground-common';
import {
  useEnvironments,
  useJobs,
} from '@genai-portal/plugin-genai-playground-react';
import { useState } from 'react';
import { Link as RouterLink } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { shortRef } from '../../lib/format';
import { jobSubmitRouteRef } from '../../routes';
import { JobsTable } from '../JobsTable';

const ALL = '';

function Filter(props: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: Array<[string, string]>;
}) {
  return (
    <TextField
      id={props.id}
      data-testid={props.id}
      select
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(String(e.target.value))}
      variant="outlined"
      size="small"
      style={{ minWidth: 180 }}
      SelectProps={{ displayEmpty: true }}
      InputLabelProps={{ shrink: true }}
    >
      {props.options.map(([value, label]) => (
        <MenuItem key={value} value={value}>
          {label}
        </MenuItem>
      ))}
    </TextField>
  );
}

/**
 * The jobs page: the jobs the user may see, filtered by status, owner, team and environment,
 * with status, GPUs, runtime, GPU-hours and owner; statuses move on their own while jobs run.
 * @public
 */
export function JobsPage() {
  const identityApi = useApi(identityApiRef);
  const identity = useAsync(
    () => identityApi.getBackstageIdentity(),
    [identityApi],
  );
  const submitLink = useRouteRef(jobSubmitRouteRef);
  const user = identity.value?.userEntityRef;
  const teams =
    identity.value?.ownershipEntityRefs.filter(ref =>
      ref.toLocaleLowerCase('en-US').startsWith('group:'),
    ) ?? [];
  const [status, setStatus] = useState<string>(ALL);
  const [owner, setOwner] = useState<string>(ALL);
  const [team, setTeam] = useState<string>(ALL);
  const [environment, setEnvironment] = useState<string>(ALL);
  const environments = useEnvironments({ includeDeleted: true });

  const jobs = useJobs(
    identity.loading
      ? undefined
      : {
          status: status ? (status as JobStatus) : undefined,
          owner: owner === 'me' ? user : undefined,
          team: team || undefined,
          environment: environment || undefined,
        },
    { pollMs: 5000 },
  );

  const filters = (
    <Box display="flex" flexWrap="wrap" mb={2} style={{ gap: 16 }}>
      <Filter
        id="jobs-filter-status"
        label="Status"
        value={status}
        onChange={setStatus}
        options={[
          [ALL, 'All'],
          ...JOB_STATUSES.map(s => [s, s] as [string, string]),
        ]}
      />
      <Filter
        id="jobs-filter-owner"
        label="Owner"
        value={owner}
        onChange={setOwner}
        options={[
          [ALL, 'Anyone'],
          ['me', 'Me'],
        ]}
      />
      <Filter
        id="jobs-filter-team"
        label="Team"
        value={team}
        onChange={setTeam}
        options={[
          [ALL, 'All'],
          ...teams.map(t => [t, shortRef(t)] as [string, string]),
        ]}
      />
      <Filter
        id="jobs-filter-environment"
        label="Environment"
        value={environment}
        onChange={setEnvironment}
        options={[
          [ALL, 'All'],
          ...(environments.value ?? []).map(
            e => [e.id, e.id] as [string, string],
          ),
        ]}
      />
    </Box>
  );

  return (
    <>
      <ContentHeader
        title="Blueprint jobs"
        description="Fine-tuning, training and evaluation jobs on the MI300X pool"
      >
        <Button
          variant="contained"
          color="primary"
          startIcon={<AddIcon />}
          component={RouterLink}
          to={submitLink()}
        >
          Submit job
        </Button>
      </ContentHeader>
      {jobs.error ? (
        <ResponseErrorPanel error={jobs.error} />
      ) : (
        <JobsTable
          title="Jobs"
          toolbar={filters}
          jobs={jobs.value ?? []}
          loading={identity.loading || (jobs.loading && !jobs.value)}
          pageSize={20}
          emptyContent={
            <Box p={2}>
              <Typography color="textSecondary">
                No jobs match.{' '}
                <RouterLink to={submitLink()}>Submit one</RouterLink> to an
                environment of your team.
              </Typography>
            </Box>
          }
        />
      )}
    </>
  );
}
