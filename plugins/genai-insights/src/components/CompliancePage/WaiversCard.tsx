import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type {
  ComplianceCheckInfo,
  ComplianceWaiver,
  ComplianceWaiverState,
} from '@genai-portal/plugin-genai-insights-common';
import {
  genaiInsightsApiRef,
  teamName,
} from '@genai-portal/plugin-genai-insights-react';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { formatDate, refName } from '../../lib/compliance';
import { ComplianceError } from '../ComplianceParts';
import { RevokeWaiverButton } from './RevokeWaiverButton';

const H2 = { component: 'h2' };

type StateFilter = ComplianceWaiverState | 'all';

const STATE_LABELS: Record<StateFilter, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
  all: 'All',
};

function WaiverState(props: { waiver: ComplianceWaiver }) {
  const { waiver } = props;
  if (waiver.state === 'revoked') {
    return (
      <>
        Revoked
        {waiver.revokedBy ? ` by ${refName(waiver.revokedBy)}` : ''}
        {waiver.revokedAt ? ` on ${formatDate(waiver.revokedAt)}` : ''}
      </>
    );
  }
  return <>{STATE_LABELS[waiver.state]}</>;
}

/**
 * The waivers of the teams (active ones by default, a state filter), each with its check, where,
 * why, until when and who granted it; "Revoke" for those who may.
 */
export function WaiversCard(props: {
  teams?: string[];
  checks: ComplianceCheckInfo[];
  version: number;
  onRevoked: () => void;
}) {
  const { teams, checks, version } = props;
  const api = useApi(genaiInsightsApiRef);
  const [state, setState] = useState<StateFilter>('active');
  const waivers = useAsyncRetry(
    () => api.getComplianceWaivers({ teams, state }),
    [api, teams, state, version],
  );
  const title = (id: string) => checks.find(c => c.id === id)?.title ?? id;
  const items = waivers.value?.items ?? [];

  return (
    <InfoCard
      title="Waivers"
      titleTypographyProps={H2}
      subheader="Failures accepted until a date, with why; they count as passed until they expire or are revoked"
    >
      <Box mb={2} maxWidth={220}>
        <TextField
          select
          fullWidth
          id="genai-insights-waiver-state"
          label="State"
          value={state}
          onChange={e => setState(e.target.value as StateFilter)}
        >
          {(Object.keys(STATE_LABELS) as StateFilter[]).map(s => (
            <MenuItem key={s} value={s}>
              {STATE_LABELS[s]}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      {waivers.loading && !waivers.value && <Progress />}
      {waivers.error && (
        <ComplianceError error={waivers.error} what="the waivers" />
      )}
      {waivers.value && items.length === 0 && (
        <Typography
          variant="body2"
          color="textSecondary"
          data-testid="compliance-waivers-empty"
        >
          {state === 'all'
            ? 'No waiver has been granted for these teams.'
            : `No ${STATE_LABELS[state].toLocaleLowerCase('en-US')} waiver.`}
        </Typography>
      )}
      {waivers.value && items.length > 0 && (
        <Box style={{ overflowX: 'auto' }}>
          <Table size="small" aria-label="Waivers">
            <TableHead>
              <TableRow>
                <TableCell>Check</TableCell>
                <TableCell>Environment</TableCell>
                <TableCell>Team</TableCell>
                <TableCell>Justification</TableCell>
                <TableCell>Expires</TableCell>
                <TableCell>Granted by</TableCell>
                <TableCell>State</TableCell>
                <TableCell>Actions</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {items.map(w => (
                <TableRow
                  key={w.id}
                  data-testid={`compliance-waiver-row-${w.id}`}
                >
                  <TableCell>{title(w.checkId)}</TableCell>
                  <TableCell>{w.environment ?? 'Every environment'}</TableCell>
                  <TableCell>{teamName(w.team)}</TableCell>
                  <TableCell>{w.justification}</TableCell>
                  <TableCell>{formatDate(w.expiresAt)}</TableCell>
                  <TableCell>
                    {refName(w.createdBy)}, {formatDate(w.createdAt)}
                  </TableCell>
                  <TableCell>
                    <WaiverState waiver={w} />
                  </TableCell>
                  <TableCell>
                    <RevokeWaiverButton
                      waiver={w}
                      checkTitle={title(w.checkId)}
                      onRevoked={props.onRevoked}
                    />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </Box>
      )}
    </InfoCard>
  );
}
