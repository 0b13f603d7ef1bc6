import type {
  GatekeeperViolation,
  KubeObject,
} from '@genai-portal/plugin-genai-insights-node';
import { ApiException, type CustomObjectsApi } from '@kubernetes/client-node';
import { listAll } from '../cluster/listAll';

/*
 * Gatekeeper's evidence: the violations its audit wrote into the constraints' statuses. Each
 * ConstraintTemplate adds a constraint kind to `constraints.gatekeeper.sh/v1beta1`, so the kinds
 * come from discovery, then one paged list per kind.
 */

const CONSTRAINTS = {
  group: 'constraints.gatekeeper.sh',
  version: 'v1beta1',
} as const;
const TEMPLATES = { group: 'templates.gatekeeper.sh', version: 'v1' } as const;

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

/** The entries of a constraint's `status.violations`, with the constraint they belong to. */
export function violationsOf(
  constraint: KubeObject,
  kind: string,
): GatekeeperViolation[] {
  const status = constraint.status ?? {};
  const entries: unknown[] = Array.isArray(status.violations)
    ? status.violations
    : [];
  return entries.flatMap(entry => {
    if (entry === null || typeof entry !== 'object') return [];
    const v = entry as Record<string, unknown>;
    return [
      {
        constraintKind: text(constraint.kind) ?? kind,
        constraintName: text(constraint.metadata?.name) ?? '',
        // Older audits leave it out: the constraint's own action, whose default is deny.
        enforcementAction:
          text(v.enforcementAction) ??
          text(constraint.spec?.enforcementAction) ??
          'deny',
        kind: text(v.kind) ?? '',
        name: text(v.name) ?? '',
        ...(text(v.namespace) ? { namespace: text(v.namespace) } : {}),
        message: text(v.message) ?? '',
        ...(text(status.auditTimestamp)
          ? { auditTimestamp: text(status.auditTimestamp) }
          : {}),
      },
    ];
  });
}

/** Whether a violation is about the namespace's objects or the Namespace itself. */
export function violationIn(
  violation: GatekeeperViolation,
  namespace: string,
): boolean {
  return (
    violation.namespace === namespace ||
    (violation.kind === 'Namespace' &&
      !violation.namespace &&
      violation.name === namespace)
  );
}

const notFound = (error: unknown) =>
  error instanceof ApiException && error.code === 404;
const forbidden = (error: unknown) =>
  error instanceof ApiException && error.code === 403;

/**
 * Every violation of every constraint. Without constraint kinds, Gatekeeper still runs when its
 * templates are served (nothing to violate yet); when neither is, the templates' 404 is thrown:
 * Gatekeeper is not installed.
 */
export async function readGatekeeperViolations(
  custom: CustomObjectsApi,
  limit: number,
): Promise<GatekeeperViolation[]> {
  let resources;
  try {
    resources = await custom.getAPIResources(CONSTRAINTS);
  } catch (error) {
    if (!notFound(error)) throw error;
    await custom.getAPIResources(TEMPLATES);
    return [];
  }
  // `k8srequiredlabels`, not its `k8srequiredlabels/status` subresource.
  const kinds = (resources.resources ?? []).filter(r => !r.name.includes('/'));
  const perKind = await Promise.all(
    kinds.map(async resource => {
      try {
        const constraints = await listAll<KubeObject>(token =>
          custom.listClusterCustomObject({
            ...CONSTRAINTS,
            plural: resource.name,
            limit,
            _continue: token,
          }),
        );
        return constraints.flatMap(c => violationsOf(c, resource.kind));
      } catch (error) {
        // Its template went between discovery and the list: no constraints of it any more.
        // Forbidden: the portal's role grants the constraint kinds the platform ships
        // (deploy/README.md); another team's kinds stay out of the evidence, not the evaluation.
        if (notFound(error) || forbidden(error)) return [];
        throw error;
      }
    }),
  );
  return perKind.flat();
}
