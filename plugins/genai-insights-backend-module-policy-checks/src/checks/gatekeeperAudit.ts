import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import { list, record, UNNAMED } from './util';

const text = (value: unknown, fallback: string) =>
  typeof value === 'string' && value ? value : fallback;

/**
 * Gatekeeper's last audit finds nothing in the environment. Admission only stops new objects;
 * the audit also catches those created before a constraint, or let through by `warn` and
 * `dryrun` constraints, so every violation it reports counts, whatever its action.
 */
export const gatekeeperAuditCheck: ComplianceCheck = {
  id: 'gatekeeper-audit',
  title: 'Gatekeeper audit clean',
  severity: 'high',
  category: 'policy-engine',
  looksAt:
    "the violations Gatekeeper's audit wrote into every constraint's status (status.violations) for the namespace and its objects; applies only where Gatekeeper runs",
  remediation:
    'Change the object as the constraint named in the field path asks (its spec.parameters say what it wants: kubectl get <kind> <name> -o yaml); the violation goes at the next audit, within a minute.',
  appliesTo(objects) {
    return record(record(objects).gatekeeper).running === true;
  },
  evaluate(objects) {
    const gatekeeper = record(record(objects).gatekeeper);
    return list(gatekeeper.violations).map((violation): CheckFailure => {
      const action = text(violation.enforcementAction, 'deny');
      const audit = text(violation.auditTimestamp, '');
      return {
        kind: text(violation.kind, 'Object'),
        name: text(violation.name, UNNAMED),
        fieldPath: `gatekeeper.${text(
          violation.constraintKind,
          'Constraint',
        )}/${text(violation.constraintName, UNNAMED)}`,
        message: `${text(
          violation.message,
          'violates the constraint',
        )} (${action}${audit ? `, audit ${audit}` : ''})`,
      };
    });
  },
};
