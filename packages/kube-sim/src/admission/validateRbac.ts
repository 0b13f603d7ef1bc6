/**
 * The rules of k8s.io/kubernetes/pkg/apis/rbac/validation for Roles, ClusterRoles and their
 * bindings: what a rule must name, what a binding may refer to, and the roleRef that never changes.
 */
import { cause, StatusCause } from '../status';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** RBAC names are path segments (`system:aggregate-to-view` is valid), not DNS names. */
export function checkPathSegmentName(
  name: string,
  field = 'metadata.name',
): StatusCause[] {
  const why =
    (name === '.' && "may not be '.'") ||
    (name === '..' && "may not be '..'") ||
    (name.includes('/') && "may not contain '/'") ||
    (name.includes('%') && "may not contain '%'");
  return why ? [cause.invalid(field, name, why)] : [];
}

function required(field: string, why: string): StatusCause {
  const c = cause.required(field);
  c.message = `Required value: ${why}`;
  return c;
}

function checkRules(rules: unknown, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  (Array.isArray(rules) ? rules : []).forEach((rule: any, i: number) => {
    const at = `rules[${i}]`;
    if (!rule?.verbs?.length) {
      causes.push(
        required(`${at}.verbs`, 'verbs must contain at least one value'),
      );
    }
    if (rule?.nonResourceURLs?.length) {
      if (namespaced) {
        causes.push(
          cause.invalid(
            `${at}.nonResourceURLs`,
            rule.nonResourceURLs,
            'namespaced rules cannot apply to non-resource URLs',
          ),
        );
      }
      if (
        rule.apiGroups?.length ||
        rule.resources?.length ||
        rule.resourceNames?.length
      ) {
        causes.push(
          cause.invalid(
            `${at}.nonResourceURLs`,
            rule.nonResourceURLs,
            'rules cannot apply to both regular resources and non-resource URLs',
          ),
        );
      }
      return;
    }
    if (!rule?.apiGroups?.length) {
      causes.push(
        required(
          `${at}.apiGroups`,
          'resource rules must supply at least one api group',
        ),
      );
    }
    if (!rule?.resources?.length) {
      causes.push(
        required(
          `${at}.resources`,
          'resource rules must supply at least one resource',
        ),
      );
    }
  });
  return causes;
}

function checkRoleRef(roleRef: any, kinds: string[]): StatusCause[] {
  const causes: StatusCause[] = [];
  if (roleRef?.apiGroup !== RBAC_GROUP) {
    causes.push(
      cause.unsupported('roleRef.apiGroup', roleRef?.apiGroup ?? '', [
        RBAC_GROUP,
      ]),
    );
  }
  if (!kinds.includes(roleRef?.kind)) {
    causes.push(cause.unsupported('roleRef.kind', roleRef?.kind ?? '', kinds));
  }
  if (!roleRef?.name) causes.push(cause.required('roleRef.name'));
  else causes.push(...checkPathSegmentName(roleRef.name, 'roleRef.name'));
  return causes;
}

function checkSubjects(subjects: unknown, namespaced: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  (Array.isArray(subjects) ? subjects : []).forEach((s: any, i: number) => {
    const at = `subjects[${i}]`;
    if (!s?.name) causes.push(cause.required(`${at}.name`));
    switch (s?.kind) {
      case 'ServiceAccount':
        if (s.apiGroup) {
          causes.push(cause.unsupported(`${at}.apiGroup`, s.apiGroup, ['']));
        }
        if (!namespaced && !s.namespace) {
          causes.push(cause.required(`${at}.namespace`));
        }
        break;
      case 'User':
      case 'Group':
        if (s.apiGroup !== RBAC_GROUP) {
          causes.push(
            cause.unsupported(`${at}.apiGroup`, s.apiGroup ?? '', [RBAC_GROUP]),
          );
        }
        break;
      default:
        causes.push(
          cause.unsupported(`${at}.kind`, s?.kind ?? '', [
            'ServiceAccount',
            'User',
            'Group',
          ]),
        );
    }
  });
  return causes;
}

/** The kind-specific causes of an RBAC object, beyond its schema. */
export function rbacCauses(kind: string, obj: any): StatusCause[] {
  switch (kind) {
    case 'Role':
      return checkRules(obj.rules, true);
    case 'ClusterRole':
      return checkRules(obj.rules, false);
    case 'RoleBinding':
      return [
        ...checkRoleRef(obj.roleRef, ['Role', 'ClusterRole']),
        ...checkSubjects(obj.subjects, true),
      ];
    case 'ClusterRoleBinding':
      return [
        ...checkRoleRef(obj.roleRef, ['ClusterRole']),
        ...checkSubjects(obj.subjects, false),
      ];
    default:
      return [];
  }
}
