import type { ApiKeyWithUsage } from '@genai-portal/plugin-genai-playground-common';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatDateTime } from '../../lib/format';
import { ApiKeyUsage } from '../ApiKeyUsage';

function statusChip(k: ApiKeyWithUsage) {
  if (k.status === 'active') {
    return <Chip size="small" label="active" color="primary" />;
  }
  return <Chip size="small" label={k.status} variant="outlined" />;
}

/** An environment's keys: scope, limits, this month's usage, expiry, status, and Revoke. */
export function ApiKeysTable(props: {
  keys: ApiKeyWithUsage[];
  onRevoke: (key: ApiKeyWithUsage) => void;
}) {
  return (
    <Table size="small" aria-label="API keys">
      <TableHead>
        <TableRow>
          <TableCell>Name</TableCell>
          <TableCell>Prefix</TableCell>
          <TableCell>Models</TableCell>
          <TableCell>Limits</TableCell>
          <TableCell>This month</TableCell>
          <TableCell>Expires</TableCell>
          <TableCell>Status</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {props.keys.map(k => (
          <TableRow key={k.id}>
            <TableCell>{k.name}</TableCell>
            <TableCell>
              <code>{k.prefix}</code>
            </TableCell>
            <TableCell>
              {k.models.length ? k.models.join(', ') : 'All models'}
            </TableCell>
            <TableCell>
              <Typography variant="caption" component="div">
                {`${k.rpm.toLocaleString('en-US')} RPM · ${k.tpm.toLocaleString(
                  'en-US',
                )} TPM`}
              </Typography>
            </TableCell>
            <TableCell>
              <ApiKeyUsage apiKey={k} />
            </TableCell>
            <TableCell>{formatDateTime(k.expiresAt)}</TableCell>
            <TableCell>
              {statusChip(k)}
              {k.revokedAt && (
                <Typography
                  variant="caption"
                  color="textSecondary"
                  component="div"
                >
                  {formatDateTime(k.revokedAt)}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              {k.status === 'active' && (
                <Button
                  size="small"
                  aria-label={`Revoke ${k.name}`}
                  onClick={() => props.onRevoke(k)}
                >
                  Revoke
                </Button>
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
