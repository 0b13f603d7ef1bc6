import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import {
  failure,
  list,
  namespaceFailure,
  objectsOf,
  peersOf,
  policyTypesOf,
  record,
  selectsEverything,
} from './util';

/** An Egress NetworkPolicy over every pod, none of its rules open to every destination. */
export const networkEgressLimitedCheck: ComplianceCheck = {
  id: 'network-egress-limited',
  title: 'Egress limited',
  severity: 'medium',
  category: 'network',
  looksAt:
    "the namespace's NetworkPolicies: one selecting every pod (podSelector {}) with policyTypes Egress, and no egress rule without destinations and ports",
  remediation:
    'Add a NetworkPolicy with podSelector {} and policyTypes [Egress] allowing only DNS, the gateway, the namespace itself (and the internet outside internal ranges where needed); give every egress rule a to list or ports.',
  evaluate(objects) {
    const { networkPolicies } = objectsOf(objects);
    const egressPolicies = networkPolicies.filter(p =>
      policyTypesOf(p).includes('Egress'),
    );
    const failures: CheckFailure[] = [];
    if (
      !egressPolicies.some(p => selectsEverything(record(p.spec).podSelector))
    ) {
      failures.push(
        namespaceFailure(
          objects,
          'networkPolicies',
          egressPolicies.length === 0
            ? `has no NetworkPolicy with policyTypes Egress among ${networkPolicies.length} policies`
            : 'has no Egress NetworkPolicy selecting every pod (podSelector {})',
        ),
      );
    }
    for (const policy of egressPolicies) {
      list(record(policy.spec).egress).forEach((rule, i) => {
        const peers = peersOf(rule, 'to');
        const ports = Array.isArray(rule.ports) ? rule.ports : [];
        if ((!peers || peers.length === 0) && ports.length === 0) {
          failures.push(
            failure(
              policy,
              'NetworkPolicy',
              `spec.egress[${i}].to`,
              'is missing, and so are ports: allows every destination on every port',
            ),
          );
        }
      });
    }
    return failures;
  },
};
