import type { ComplianceCheckStatus } from '@genai-portal/plugin-genai-insights-common';
import { STATUS_LOOKS } from '../../lib/compliance';

/** A check's status as a small coloured badge with its symbol and word (never colour alone). */
export function StatusBadge(props: { status: ComplianceCheckStatus }) {
  const look = STATUS_LOOKS[props.status];
  return (
    <span
      data-status={props.status}
      style={{
        display: 'inline-block',
        padding: '0 8px',
        borderRadius: 10,
        fontSize: '0.8125rem',
        lineHeight: '20px',
        whiteSpace: 'nowrap',
        background: look.background,
        color: look.color,
      }}
    >
      <span aria-hidden>{look.symbol}</span> {look.label}
    </span>
  );
}
