import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { EnvironmentEvent } from '@genai-portal/plugin-genai-playground-common';
import { useEnvironmentHistory } from '@genai-portal/plugin-genai-playground-react';
import { useEffect, useRef } from 'react';
import { formatDateTime, formatRelative, shortRef } from '../../lib/format';

const ACTIONS: Record<EnvironmentEvent['action'], string> = {
  create: 'Created',
  extend: 'Lease extended',
  delete: 'Deleted',
  expire: 'Expired',
  'notify-expiry': 'Expiry notice sent',
  fail: 'Failed',
};

function describeDetails(
  details?: Record<string, unknown>,
): string | undefined {
  if (!details) {
    return undefined;
  }
  const parts = Object.entries(details)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) =>
      typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v)
        ? `${k}: ${formatDateTime(v)}`
        : `${k}: ${v}`,
    );
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * An environment's history, newest first: who created, extended or deleted it and when.
 * @public
 */
export function EnvironmentHistory(props: {
  id: string;
  /** Changes when the environment changed, to load the history again. */
  refreshKey?: string;
}) {
  const { value, loading, error, retry } = useEnvironmentHistory(props.id);
  const { refreshKey } = props;
  const seenKey = useRef(refreshKey);
  useEffect(() => {
    // Only a changed key reloads; the first load is the hook's own.
    if (refreshKey !== seenKey.current) {
      seenKey.current = refreshKey;
      retry();
    }
  }, [refreshKey, retry]);

  if (loading && !value) {
    return <Progress />;
  }
  if (error) {
    return <ResponseErrorPanel error={error} />;
  }
  const events = [...(value ?? [])].sort((a, b) => b.at.localeCompare(a.at));
  if (events.length === 0) {
    return <Typography color="textSecondary">No history yet.</Typography>;
  }
  return (
    <List dense disablePadding>
      {events.map((event, index) => (
        <ListItem key={`${event.at}-${index}`} disableGutters divider>
          <ListItemText
            primary={
              <>
                {ACTIONS[event.action] ?? event.action} by{' '}
                {shortRef(event.actor)}{' '}
                <Tooltip title={formatDateTime(event.at)}>
                  <Typography
                    component="span"
                    variant="body2"
                    color="textSecondary"
                  >
                    {formatRelative(event.at)}
                  </Typography>
                </Tooltip>
              </>
            }
            secondary={describeDetails(event.details)}
          />
        </ListItem>
      ))}
    </List>
  );
}
