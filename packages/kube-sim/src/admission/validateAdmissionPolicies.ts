/**
 * The structural rules of k8s.io/kubernetes/pkg/apis/admissionregistration/validation for
 * ValidatingAdmissionPolicies and their bindings. The CEL expressions are not compiled: an
 * expression that does not type-check passes here and fails on a real cluster.
 */
import { cause, StatusCause } from '../status';

const ONE_ITEM =
  'validations or auditAnnotations must contain at least one item';

function required(field: string, why: string): StatusCause {
  const c = cause.required(field);
  c.message = `Required value: ${why}`;
  return c;
}

function policyCauses(spec: any): StatusCause[] {
  const causes: StatusCause[] = [];
  const policy = spec?.failurePolicy;
  if (policy === undefined) causes.push(cause.required('spec.failurePolicy'));
  else if (policy !== 'Fail' && policy !== 'Ignore') {
    causes.push(
      cause.unsupported('spec.failurePolicy', policy, ['Fail', 'Ignore']),
    );
  }
  if (!spec?.matchConstraints) {
    causes.push(cause.required('spec.matchConstraints'));
  } else if (!spec.matchConstraints.resourceRules?.length) {
    // The resource rules give the expressions their types.
    causes.push(cause.required('spec.matchConstraints.resourceRules'));
  }
  const validations: any[] = spec?.validations ?? [];
  if (!validations.length && !spec?.auditAnnotations?.length) {
    causes.push(required('spec.validations', ONE_ITEM));
    causes.push(required('spec.auditAnnotations', ONE_ITEM));
  }
  validations.forEach((v, i) => {
    if (!String(v?.expression ?? '').trim()) {
      causes.push(
        required(
          `spec.validations[${i}].expression`,
          'expression is not specified',
        ),
      );
    }
  });
  return causes;
}

const ACTIONS = ['Audit', 'Deny', 'Warn'];

function bindingCauses(spec: any): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!spec?.policyName) causes.push(cause.required('spec.policyName'));
  const actions: unknown[] = spec?.validationActions ?? [];
  const seen = new Set<unknown>();
  actions.forEach((action, i) => {
    const at = `spec.validationActions[${i}]`;
    if (!ACTIONS.includes(action as string)) {
      causes.push(cause.unsupported(at, action, ACTIONS));
    }
    if (seen.has(action)) causes.push(cause.duplicate(at, action));
    seen.add(action);
  });
  if (seen.has('Deny') && seen.has('Warn')) {
    causes.push(
      cause.invalid(
        'spec.validationActions',
        actions,
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  }
  if (!seen.size) {
    causes.push(
      required(
        'spec.validationActions',
        'at least one validation action is required',
      ),
    );
  }
  return causes;
}

/** The kind-specific causes of an admission policy object, beyond its schema. */
export function admissionPolicyCauses(kind: string, obj: any): StatusCause[] {
  switch (kind) {
    case 'ValidatingAdmissionPolicy':
      return policyCauses(obj.spec);
    case 'ValidatingAdmissionPolicyBinding':
      return bindingCauses(obj.spec);
    default:
      return [];
  }
}
