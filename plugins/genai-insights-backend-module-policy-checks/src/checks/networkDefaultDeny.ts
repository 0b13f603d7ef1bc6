import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import {
  namespaceFailure,
  objectsOf,
  policyTypesOf,
  record,
  selectsEverything,
} from './util';

/** A NetworkPolicy that selects every pod for Ingress and admits nothing. */
export const networkDefaultDenyCheck: ComplianceCheck = {
  id: 'network-default-deny',
  title: 'Default deny ingress',
  severity: 'high',
  category: 'network',
  looksAt:
    "the namespace's NetworkPolicies: one selecting every pod (podSelector {}) with policyTypes Ingress and no ingress rules",
  remediation:
    'Add a NetworkPolicy default-deny-ingress: podSelector {}, policyTypes [Ingress], no ingress rules; then allow what is needed with further policies.',
  evaluate(objects) {
    const { networkPolicies } = objectsOf(objects);
    const denies = networkPolicies.some(policy => {
      const spec = record(policy.spec);
      return (
        selectsEverything(spec.podSelector) &&
        policyTypesOf(policy).includes('Ingress') &&
        (spec.ingress === undefined ||
          spec.ingress === null ||
          (Array.isArray(spec.ingress) && spec.ingress.length === 0))
      );
    });
    return denies
      ? []
      : [
          namespaceFailure(
            objects,
            'networkPolicies',
            `has no default-deny ingress NetworkPolicy (podSelector {}, policyTypes [Ingress], no rules) among ${networkPolicies.length} policies`,
          ),
        ];
  },
};
