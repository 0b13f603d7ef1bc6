/**
 * Gatekeeper's audit, for the one template kube-sim can evaluate: `K8sRequiredLabels` as the
 * platform defines it (deploy/platform/required-labels.yaml: every `parameters.labels[].key`
 * present, matching its `allowedRegex`). Rego is not evaluated; other kinds keep whatever status
 * clients write through the status subresource. Like the real audit it runs every audit interval
 * (60 s), reads the objects each constraint's `spec.match` selects, and writes
 * `status.auditTimestamp`, `totalViolations` and at most 20 `violations` (the default
 * `--constraint-violations-limit`).
 */
import { constraintDefs } from '../api/constraints';
import { keyOf, ResourceDef, RESOURCES } from '../api/resources';
import { Cluster } from '../cluster';
import { matchesSelector } from '../selectors';
import { KubeObject, StoredObject } from '../types';
import { timestamp } from '../util';

const AUDIT_INTERVAL_SECONDS = 60;
const VIOLATIONS_LIMIT = 20;
const KIND = 'K8sRequiredLabels';

interface Violation {
  enforcementAction: string;
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name: string;
  message: string;
}

/** The platform template's messages, as its rego's sprintf writes them. */
export function requiredLabelsMessages(
  constraint: KubeObject,
  obj: KubeObject,
): string[] {
  const labels: Record<string, string> = obj.metadata?.labels ?? {};
  const messages: string[] = [];
  for (const required of constraint.spec?.parameters?.labels ?? []) {
    const key = required?.key;
    if (typeof key !== 'string') continue;
    const value = labels[key];
    if (value === undefined) {
      messages.push(`missing required label ${key}`);
    } else if (
      typeof required.allowedRegex === 'string' &&
      !new RegExp(required.allowedRegex).test(value)
    ) {
      messages.push(
        `label ${key}=${value} must match ${required.allowedRegex}`,
      );
    }
  }
  return messages;
}

/** The stored kinds a constraint's `spec.match.kinds` selects (none listed: every kind). */
function matchedDefs(constraint: KubeObject): ResourceDef[] {
  const kinds: any[] = constraint.spec?.match?.kinds ?? [];
  const stored = RESOURCES.filter(d => !d.viewOf);
  if (kinds.length === 0) return stored;
  return stored.filter(d =>
    kinds.some(
      k =>
        (k?.apiGroups ?? ['*']).some(
          (g: string) => g === '*' || g === d.group,
        ) && (k?.kinds ?? ['*']).some((x: string) => x === '*' || x === d.kind),
    ),
  );
}

function matches(constraint: KubeObject, obj: StoredObject): boolean {
  const match = constraint.spec?.match ?? {};
  const ns =
    obj.metadata.namespace ??
    (obj.kind === 'Namespace' ? obj.metadata.name : undefined);
  if (Array.isArray(match.namespaces) && !match.namespaces.includes(ns))
    return false;
  if (
    Array.isArray(match.excludedNamespaces) &&
    match.excludedNamespaces.includes(ns)
  )
    return false;
  return matchesSelector(match.labelSelector, obj.metadata.labels);
}

export class GatekeeperAudit {
  private lastAudit?: number;

  constructor(private readonly cluster: Cluster) {}

  tick(): void {
    const now = Date.now();
    if (
      this.lastAudit !== undefined &&
      now - this.lastAudit < this.cluster.realMs(AUDIT_INTERVAL_SECONDS)
    )
      return;
    this.lastAudit = now;
    this.audit();
  }

  /** One audit run over every K8sRequiredLabels constraint. */
  audit(): void {
    const { store, api } = this.cluster;
    const def = constraintDefs(store).find(d => d.kind === KIND);
    if (!def) return;
    const auditTimestamp = timestamp();
    for (const constraint of [...store.iterate(keyOf(def))]) {
      const action = constraint.spec?.enforcementAction ?? 'deny';
      const violations: Violation[] = [];
      for (const target of matchedDefs(constraint)) {
        for (const obj of store.iterate(keyOf(target))) {
          if (!matches(constraint, obj)) continue;
          for (const message of requiredLabelsMessages(constraint, obj)) {
            violations.push({
              enforcementAction: action,
              group: target.group,
              version: target.version,
              kind: target.kind,
              ...(target.namespaced
                ? { namespace: obj.metadata.namespace }
                : {}),
              name: obj.metadata.name,
              message,
            });
          }
        }
      }
      const { violations: _previous, ...status } = constraint.status ?? {};
      api.writeStatus(def, constraint, {
        ...status,
        auditTimestamp,
        byPod: [
          {
            constraintUID: constraint.metadata.uid,
            enforced: true,
            id: 'gatekeeper-audit',
            observedGeneration: constraint.metadata.generation ?? 1,
            operations: ['audit', 'status'],
          },
        ],
        totalViolations: violations.length,
        // Gatekeeper leaves the list out when there is nothing to report.
        ...(violations.length
          ? { violations: violations.slice(0, VIOLATIONS_LIMIT) }
          : {}),
      });
    }
  }
}
