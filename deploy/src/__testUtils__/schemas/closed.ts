/*
 * The API server drops or (with strict field validation, kubectl's default) rejects a field a
 * CRD's structural schema does not declare, but a JSON schema allows it unless it says
 * `additionalProperties: false`. Closing every object that lists its properties makes a typo an
 * error, except where the CRD keeps unknown fields on purpose.
 */

const isObject = (value: unknown): value is Record<string, any> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const mapValues = (record: Record<string, any>, fn: (value: any) => any) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));

/**
 * The schema with `additionalProperties: false` on each object that has `properties`, no
 * `additionalProperties` and no `x-kubernetes-preserve-unknown-fields`. allOf/anyOf/oneOf/not
 * are left as they are: in a structural schema they only add value checks to fields declared
 * outside them.
 */
export function closed(schema: any): any {
  if (!isObject(schema)) return schema;
  const out: Record<string, any> = { ...schema };
  if (isObject(schema.properties))
    out.properties = mapValues(schema.properties, closed);
  if (isObject(schema.additionalProperties))
    out.additionalProperties = closed(schema.additionalProperties);
  if (schema.items)
    out.items = Array.isArray(schema.items)
      ? schema.items.map(closed)
      : closed(schema.items);
  if (
    out.properties &&
    out.additionalProperties === undefined &&
    !schema['x-kubernetes-preserve-unknown-fields']
  )
    out.additionalProperties = false;
  return out;
}
