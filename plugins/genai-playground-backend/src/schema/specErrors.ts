import { InputError } from '@backstage/errors';
import type { ErrorRequestHandler, Request } from 'express';

type Schema = Record<string, any>;

/**
 * The spec validator's errors in the words the zod schemas use, naming the field:
 * `request/body/gpus must be <= 64` becomes `Invalid request: gpus: must be <= 64`, and
 * `request/query/limit must be integer` becomes `Invalid query: limit: must be integer`.
 * The validator leaves out which field is unknown ("must NOT have additional properties"),
 * so that one is looked up in the body against the operation's schema.
 */
export function specErrors(spec: Schema): ErrorRequestHandler {
  return (error, req, _res, next) => {
    const message: string | undefined =
      error instanceof InputError ? error.message : undefined;
    const unknownQuery = message?.match(/^Unknown query parameter '(.*)'$/);
    if (unknownQuery) {
      next(
        new InputError(
          `Invalid query: ${unknownQuery[1]}: unknown query parameter`,
        ),
      );
      return;
    }
    const found = message?.match(
      /^request\/(body|query|params|headers)((?:\/[^ ]*)?) (.*)$/,
    );
    if (!found) {
      next(error);
      return;
    }
    const [, where, pointer, problem] = found;
    const path = pointer.split('/').filter(Boolean);
    const what = where === 'query' ? 'query' : 'request';
    const required = problem.match(/^must have required property '(.*)'$/);
    if (required) {
      next(
        new InputError(
          `Invalid ${what}: ${[...path, required[1]].join('.')}: is required`,
        ),
      );
      return;
    }
    if (problem === 'must NOT have additional properties' && where === 'body') {
      const extra = unknownFields(spec, req, path);
      if (extra.length > 0) {
        next(
          new InputError(
            `Invalid request: ${[...path, extra[0]].join(
              '.',
            )}: unknown field (allowed: ${allowedFields(spec, req, path).join(
              ', ',
            )})`,
          ),
        );
        return;
      }
    }
    next(
      new InputError(
        `Invalid ${what}: ${path.join('.') || `(the ${where})`}: ${problem}`,
      ),
    );
  };
}

/** Resolves local `$ref`s and merges `allOf`, enough to list an object's properties. */
function resolve(spec: Schema, schema: Schema | undefined): Schema {
  if (!schema) return {};
  if (schema.$ref) {
    const target = String(schema.$ref)
      .replace(/^#\//, '')
      .split('/')
      .reduce((at: Schema | undefined, key) => at?.[key], spec);
    return resolve(spec, target);
  }
  if (schema.allOf) {
    return (schema.allOf as Schema[]).reduce(
      (merged, part) => {
        const resolved = resolve(spec, part);
        return {
          ...merged,
          ...resolved,
          properties: { ...merged.properties, ...resolved.properties },
        };
      },
      { ...schema, allOf: undefined },
    );
  }
  return schema;
}

function schemaAt(spec: Schema, req: Request, path: string[]): Schema {
  const operation = (req as Request & { openapi?: { schema?: Schema } }).openapi
    ?.schema;
  let schema = resolve(
    spec,
    operation?.requestBody?.content?.['application/json']?.schema,
  );
  for (const segment of path) {
    schema = resolve(
      spec,
      /^\d+$/.test(segment) && schema.items
        ? schema.items
        : schema.properties?.[segment],
    );
  }
  return schema;
}

function allowedFields(spec: Schema, req: Request, path: string[]): string[] {
  return Object.keys(schemaAt(spec, req, path).properties ?? {});
}

function unknownFields(spec: Schema, req: Request, path: string[]): string[] {
  const value = path.reduce(
    (at: unknown, key) => (at as Record<string, unknown> | undefined)?.[key],
    req.body,
  );
  const allowed = new Set(allowedFields(spec, req, path));
  return Object.keys((value as object) ?? {}).filter(key => !allowed.has(key));
}
