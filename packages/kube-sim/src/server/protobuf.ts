/**
 * Just enough of Kubernetes' protobuf encoding to accept the request bodies
 * kubectl's typed generators send for simple kinds (`kubectl create
 * namespace|configmap|secret|serviceaccount`). Bodies are the `k8s\0` magic
 * followed by a runtime.Unknown wrapping the object's own message; field
 * numbers come from k8s.io/api's generated.proto. Other kinds get 415 and
 * must be sent as JSON or YAML (kubectl apply/create -f do).
 */
import { unsupportedMediaType } from '../status';

type Fields = Map<number, Array<number | Buffer>>;

function readVarint(buf: Buffer, start: number): [number, number] {
  let result = 0;
  let shift = 0;
  let pos = start;
  for (;;) {
    const byte = buf[pos++];
    if (byte === undefined) throw new Error('truncated varint');
    result += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return [result, pos];
    shift += 7;
  }
}

function readFields(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [tag, next] = readVarint(buf, pos);
    pos = next;
    const field = Math.floor(tag / 8);
    const wire = tag & 7;
    let value: number | Buffer;
    if (wire === 0) {
      [value, pos] = readVarint(buf, pos);
    } else if (wire === 2) {
      const [length, start] = readVarint(buf, pos);
      value = buf.subarray(start, start + length);
      pos = start + length;
    } else if (wire === 1) {
      value = buf.subarray(pos, pos + 8);
      pos += 8;
    } else if (wire === 5) {
      value = buf.subarray(pos, pos + 4);
      pos += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    if (!fields.has(field)) fields.set(field, []);
    fields.get(field)!.push(value);
  }
  return fields;
}

const str = (f: Fields, n: number) =>
  (f.get(n)?.[0] as Buffer | undefined)?.toString('utf8');
const strs = (f: Fields, n: number) =>
  (f.get(n) ?? []).map(v => (v as Buffer).toString('utf8'));
const bool = (f: Fields, n: number) =>
  f.has(n) ? f.get(n)![0] === 1 : undefined;

function map(
  f: Fields,
  n: number,
  bytes = false,
): Record<string, string> | undefined {
  const entries = f.get(n);
  if (!entries) return undefined;
  const out: Record<string, string> = {};
  for (const entry of entries) {
    const e = readFields(entry as Buffer);
    const value = (e.get(2)?.[0] as Buffer | undefined) ?? Buffer.alloc(0);
    out[str(e, 1) ?? ''] = bytes
      ? value.toString('base64')
      : value.toString('utf8');
  }
  return out;
}

function objectMeta(buf: Buffer | undefined) {
  if (!buf) return {};
  const f = readFields(buf);
  const meta: Record<string, unknown> = {
    name: str(f, 1),
    generateName: str(f, 2),
    namespace: str(f, 3),
    labels: map(f, 11),
    annotations: map(f, 12),
    finalizers: f.has(14) ? strs(f, 14) : undefined,
  };
  return Object.fromEntries(
    Object.entries(meta).filter(([, v]) => v !== undefined),
  );
}

const clean = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';

export function decodeProtobuf(body: Buffer): any {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) {
    throw unsupportedMediaType(['application/json', 'application/yaml']);
  }
  const unknown = readFields(body.subarray(4));
  const typeMeta = readFields(
    (unknown.get(1)?.[0] as Buffer) ?? Buffer.alloc(0),
  );
  const apiVersion = str(typeMeta, 1) ?? '';
  const kind = str(typeMeta, 2) ?? '';
  const f = readFields((unknown.get(2)?.[0] as Buffer) ?? Buffer.alloc(0));
  const metadata = objectMeta(f.get(1)?.[0] as Buffer | undefined);
  if (apiVersion !== 'v1')
    throw unsupportedMediaType(['application/json', 'application/yaml']);
  switch (kind) {
    case 'Namespace': {
      const spec = f.has(2) ? readFields(f.get(2)![0] as Buffer) : undefined;
      return clean({
        apiVersion,
        kind,
        metadata,
        spec: spec?.has(1) ? { finalizers: strs(spec, 1) } : undefined,
      });
    }
    case 'ConfigMap':
      return clean({
        apiVersion,
        kind,
        metadata,
        data: map(f, 2),
        binaryData: map(f, 3, true),
        immutable: bool(f, 4),
      });
    case 'Secret':
      return clean({
        apiVersion,
        kind,
        metadata,
        data: map(f, 2, true),
        type: str(f, 3),
        stringData: map(f, 4),
        immutable: bool(f, 5),
      });
    case 'ServiceAccount':
      return clean({
        apiVersion,
        kind,
        metadata,
        imagePullSecrets: f.has(3)
          ? (f.get(3) as Buffer[]).map(b => ({ name: str(readFields(b), 1) }))
          : undefined,
        automountServiceAccountToken: bool(f, 4),
      });
    default:
      throw unsupportedMediaType(['application/json', 'application/yaml']);
  }
}
