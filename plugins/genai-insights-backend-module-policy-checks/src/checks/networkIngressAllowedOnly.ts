import type { ComplianceCheck } from '@genai-portal/plugin-genai-insights-node';
import type { CheckFailure } from '@genai-portal/plugin-genai-insights-common';
import {
  failure,
  list,
  nameOf,
  objectsOf,
  peersOf,
  policyTypesOf,
  record,
  selectsEverything,
  type Json,
} from './util';

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** Where ingress may come from. */
export interface IngressSourcesOptions {
  /** Namespaces of the gateway and the portal, selected by name. Default `genai-portal`. */
  gatewayNamespaces?: string[];
  /** Labels of the router's namespaces. Default `network.openshift.io/policy-group: ingress`. */
  routerNamespaceSelector?: Record<string, string>;
  /**
   * The platform's own namespaces (its projects and its operators'), by name. One of them may
   * admit the others (a database its operator, object storage the database's backups); an
   * environment never may. Default none.
   */
  platformNamespaces?: string[];
}

/**
 * OpenShift's monitoring namespaces (Prometheus scraping vLLM's and the portal's metrics): a
 * source every namespace may admit.
 */
const MONITORING_NAMESPACE_SELECTOR: Record<string, string> = {
  'network.openshift.io/policy-group': 'monitoring',
};

/**
 * OpenShift's host network (on OVN-Kubernetes, the API server calling an operator's webhook): a
 * source the platform's own namespaces may admit, never an environment.
 */
const HOST_NETWORK_NAMESPACE_SELECTOR: Record<string, string> = {
  'policy-group.network.openshift.io/host-network': '',
};

/**
 * The environments, as the portal labels their namespaces: the gateway's namespace admits them,
 * since the gateway is the one door environments call the GPUs through.
 */
const ENVIRONMENT_NAMESPACE_SELECTOR: Record<string, string> = {
  'app.kubernetes.io/managed-by': 'genai-playground-portal',
};

export const DEFAULT_GATEWAY_NAMESPACES = ['genai-portal'];
export const DEFAULT_ROUTER_NAMESPACE_SELECTOR: Record<string, string> = {
  'network.openshift.io/policy-group': 'ingress',
};

/** The namespace names a selector picks by `kubernetes.io/metadata.name`, if it only does that. */
function namesSelected(selector: Json): string[] | undefined {
  const matchLabels = record(selector.matchLabels);
  const expressions = list(selector.matchExpressions);
  const labelKeys = Object.keys(matchLabels);
  if (labelKeys.some(k => k !== NAMESPACE_NAME_LABEL)) return undefined;
  if (expressions.some(e => e.key !== NAMESPACE_NAME_LABEL)) return undefined;
  const names: string[] = [];
  if (labelKeys.length > 0)
    names.push(String(matchLabels[NAMESPACE_NAME_LABEL]));
  for (const e of expressions) {
    if (e.operator !== 'In' || !Array.isArray(e.values)) return undefined;
    names.push(...e.values.map(String));
  }
  return names.length > 0 ? names : undefined;
}

/** Whether a selector asks for (at least) these labels. */
function selectsLabels(
  selector: Json,
  router: Record<string, string>,
): boolean {
  const matchLabels = record(selector.matchLabels);
  const entries = Object.entries(router);
  return entries.length > 0 && entries.every(([k, v]) => matchLabels[k] === v);
}

/**
 * Ingress rules that admit only the namespace's own pods, the router's namespaces (by label) and
 * the gateway's or portal's namespaces (by name), as the playground's policies do.
 */
export function createNetworkIngressAllowedOnlyCheck(
  options: IngressSourcesOptions = {},
): ComplianceCheck {
  const gateways = options.gatewayNamespaces?.length
    ? options.gatewayNamespaces
    : DEFAULT_GATEWAY_NAMESPACES;
  const router =
    options.routerNamespaceSelector &&
    Object.keys(options.routerNamespaceSelector).length > 0
      ? options.routerNamespaceSelector
      : DEFAULT_ROUTER_NAMESPACE_SELECTOR;
  const platform = options.platformNamespaces ?? [];
  const routerText = Object.entries(router)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

  return {
    id: 'network-ingress-allowed-only',
    title: 'Ingress only from the router and the gateway',
    severity: 'high',
    category: 'network',
    looksAt:
      "every ingress rule of the namespace's NetworkPolicies: each source must be a podSelector of the namespace itself, a namespaceSelector on the router's label (network.openshift.io/policy-group: ingress) or on monitoring's (network.openshift.io/policy-group: monitoring), or one naming the gateway's namespace (kubernetes.io/metadata.name); the gateway's own namespace may also admit the environments (app.kubernetes.io/managed-by: genai-playground-portal), and a platform namespace (genaiInsights.compliance.platformNamespaces) the other platform namespaces by name and the host network (policy-group.network.openshift.io/host-network: the API server calling webhooks); no ipBlock, no rule without sources",
    remediation:
      'Replace broad ingress rules (no from, ipBlock, namespaceSelector {} or other labels) with rules from the OpenShift router (namespaceSelector network.openshift.io/policy-group: ingress) or the gateway namespace (namespaceSelector kubernetes.io/metadata.name: <gateway namespace>).',
    evaluate(objects) {
      const { namespace, networkPolicies } = objectsOf(objects);
      const own = nameOf(namespace);
      // Platform namespaces trust one another; environments trust only the gateway and themselves.
      const allowedNames = platform.includes(own)
        ? [...gateways, own, ...platform]
        : [...gateways, own];
      const failures: CheckFailure[] = [];
      for (const policy of networkPolicies) {
        if (!policyTypesOf(policy).includes('Ingress')) continue;
        const fail = (fieldPath: string, message: string) =>
          failures.push(failure(policy, 'NetworkPolicy', fieldPath, message));
        list(record(policy.spec).ingress).forEach((rule, i) => {
          const peers = peersOf(rule, 'from');
          if (!peers || peers.length === 0) {
            fail(`spec.ingress[${i}].from`, 'is missing: admits every source');
            return;
          }
          peers.forEach((peer, j) => {
            const at = `spec.ingress[${i}].from[${j}]`;
            if (peer.ipBlock !== undefined) {
              fail(
                `${at}.ipBlock`,
                `admits the address block '${String(
                  record(peer.ipBlock).cidr,
                )}'`,
              );
              return;
            }
            if (peer.namespaceSelector === undefined) {
              if (peer.podSelector === undefined) {
                fail(at, 'is empty');
              }
              return; // pods of the namespace itself
            }
            const selector = record(peer.namespaceSelector);
            if (selectsEverything(selector)) {
              fail(`${at}.namespaceSelector`, 'is {}: admits every namespace');
              return;
            }
            if (selectsLabels(selector, router)) return;
            if (selectsLabels(selector, MONITORING_NAMESPACE_SELECTOR)) return;
            if (
              platform.includes(own) &&
              selectsLabels(selector, HOST_NETWORK_NAMESPACE_SELECTOR)
            ) {
              return;
            }
            if (
              gateways.includes(own) &&
              selectsLabels(selector, ENVIRONMENT_NAMESPACE_SELECTOR)
            ) {
              return;
            }
            const names = namesSelected(selector);
            if (names && names.every(n => allowedNames.includes(n))) return;
            fail(
              `${at}.namespaceSelector`,
              `is ${JSON.stringify(
                selector,
              )}, neither the router's namespaces (${routerText}) nor the gateway's (${gateways.join(
                ', ',
              )})`,
            );
          });
        });
      }
      return failures;
    },
  };
}

/** The check with the default router label and gateway namespace. */
export const networkIngressAllowedOnlyCheck =
  createNetworkIngressAllowedOnlyCheck();
