import type { EnvironmentStatus } from '@genai-portal/plugin-genai-playground-common';
import { StatusChip, StatusTone } from '../StatusChip';

const tones: Record<EnvironmentStatus, StatusTone> = {
  ready: 'ok',
  creating: 'running',
  failed: 'error',
  deleting: 'warning',
  deleted: 'ended',
};

/**
 * An environment's status as a coloured chip: ready green, creating blue, failed red, deleting
 * amber, deleted grey.
 * @public
 */
export function EnvironmentStatusChip(props: {
  status: EnvironmentStatus;
  size?: 'small' | 'medium';
}) {
  return (
    <StatusChip
      label={props.status}
      tone={tones[props.status]}
      size={props.size}
      data-testid={`status-${props.status}`}
    />
  );
}
