/**
 * metav1.Status failures, shaped exactly like the API server's
 * (k8s.io/apimachinery/pkg/api/errors), since clients branch on `reason`,
 * `code` and `details` and show `message` to people.
 */

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** The group/resource pair an error is about. */
export interface ResourceRef {
  group: string;
  plural: string;
  kind?: string;
}

export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Record<string, unknown> {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

/** "jobs.batch" or "pods": the qualified resource in messages. */
export function qualifiedResource(ref: ResourceRef): string {
  return ref.group ? `${ref.plural}.${ref.group}` : ref.plural;
}

function detailsOf(ref: ResourceRef, name: string): StatusDetails {
  return { name, ...(ref.group ? { group: ref.group } : {}), kind: ref.plural };
}

export function notFound(ref: ResourceRef, name: string): StatusError {
  return new StatusError(
    404,
    'NotFound',
    `${qualifiedResource(ref)} "${name}" not found`,
    detailsOf(ref, name),
  );
}

export function alreadyExists(ref: ResourceRef, name: string): StatusError {
  return new StatusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(ref)} "${name}" already exists`,
    detailsOf(ref, name),
  );
}

export function conflict(
  ref: ResourceRef,
  name: string,
  why?: string,
): StatusError {
  return new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(ref)} "${name}": ${
      why ??
      'the object has been modified; please apply your changes to the latest version and try again'
    }`,
    detailsOf(ref, name),
  );
}

export function forbidden(
  ref: ResourceRef,
  name: string,
  why: string,
): StatusError {
  return new StatusError(
    403,
    'Forbidden',
    `${qualifiedResource(ref)} "${name}" is forbidden: ${why}`,
    detailsOf(ref, name),
  );
}

/** 422 Invalid: note that, unlike the others, it names the Kind, not the resource. */
export function invalid(
  ref: ResourceRef,
  name: string,
  causes: StatusCause[],
): StatusError {
  const kind = ref.kind ?? ref.plural;
  const qualifiedKind = ref.group ? `${kind}.${ref.group}` : kind;
  const parts = causes.map(c =>
    c.field ? `${c.field}: ${c.message}` : c.message,
  );
  const summary = parts.length === 1 ? parts[0] : `[${parts.join(', ')}]`;
  return new StatusError(
    422,
    'Invalid',
    `${qualifiedKind} "${name}" is invalid: ${summary}`,
    {
      name,
      ...(ref.group ? { group: ref.group } : {}),
      kind,
      causes,
    },
  );
}

export function badRequest(message: string): StatusError {
  return new StatusError(400, 'BadRequest', message);
}

export function unauthorized(): StatusError {
  return new StatusError(401, 'Unauthorized', 'Unauthorized');
}

export function pathNotFound(): StatusError {
  return new StatusError(
    404,
    'NotFound',
    'the server could not find the requested resource',
    {},
  );
}

export function methodNotAllowed(): StatusError {
  return new StatusError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
    {},
  );
}

export function expired(message: string): StatusError {
  return new StatusError(410, 'Expired', message);
}

export function unsupportedMediaType(accepted: string[]): StatusError {
  return new StatusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(
      ', ',
    )}`,
  );
}

export function unprocessable(message: string): StatusError {
  return new StatusError(422, 'Invalid', message);
}

/** Causes as the validators report them. */
export const cause = {
  required: (field: string): StatusCause => ({
    reason: 'FieldValueRequired',
    message: 'Required value',
    field,
  }),
  invalid: (field: string, value: unknown, why: string): StatusCause => ({
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${formatValue(value)}: ${why}`,
    field,
  }),
  unsupported: (
    field: string,
    value: unknown,
    supported: string[],
  ): StatusCause => ({
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${formatValue(
      value,
    )}: supported values: ${supported.map(s => `"${s}"`).join(', ')}`,
    field,
  }),
  forbidden: (field: string, why: string): StatusCause => ({
    reason: 'FieldValueForbidden',
    message: `Forbidden: ${why}`,
    field,
  }),
  tooLong: (field: string, max: number): StatusCause => ({
    reason: 'FieldValueTooLong',
    message: `Too long: may not be more than ${max} bytes`,
    field,
  }),
  duplicate: (field: string, value: unknown): StatusCause => ({
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${formatValue(value)}`,
    field,
  }),
};

function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  return JSON.stringify(value);
}
