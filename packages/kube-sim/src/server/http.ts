/** Small HTTP helpers: bodies in, JSON and Status out. */
import http from 'node:http';
import YAML from 'yaml';
import { badRequest, StatusError, unsupportedMediaType } from '../status';
import { decodeProtobuf, PROTOBUF } from './protobuf';

const MAX_BODY = 3 * 1024 * 1024; // the API server's request size limit

export function sendJson(
  res: http.ServerResponse,
  code: number,
  body: string | object,
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

export function sendText(
  res: http.ServerResponse,
  code: number,
  text: string,
  type = 'text/plain; charset=utf-8',
) {
  res.writeHead(code, {
    'Content-Type': type,
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

export function sendError(res: http.ServerResponse, err: unknown) {
  const status =
    err instanceof StatusError
      ? err
      : new StatusError(
          500,
          'InternalError',
          `Internal error occurred: ${(err as Error)?.message ?? err}`,
          {
            causes: [
              {
                reason: 'UnexpectedServerResponse',
                message: String((err as Error)?.message ?? err),
              },
            ],
          },
        );
  if (!(err instanceof StatusError)) {
    // Surface bugs in the simulator rather than hiding them in a 500 body.
    // eslint-disable-next-line no-console
    console.error('kube-sim internal error', err);
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, status.code, status.toStatus());
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(
          new StatusError(
            413,
            'RequestEntityTooLarge',
            'Request entity too large: limit is 3145728',
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The media type without parameters, lower-cased. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0].trim().toLowerCase();
}

/** kube-sim speaks JSON (and YAML), not the protobuf encoding built-in types also have. */
const JSON_TYPES = ['application/json', 'application/yaml'];

/** Decodes a request body given as JSON (or YAML, which the server also accepts). */
export function decodeBody(
  body: Buffer,
  contentType: string | undefined,
  accepted?: string[],
): any {
  const type = mediaType(contentType);
  if (accepted && type && !accepted.includes(type))
    throw unsupportedMediaType(accepted);
  if (type === PROTOBUF && !accepted) return decodeProtobuf(body);
  if (type && !accepted && !JSON_TYPES.includes(type))
    throw unsupportedMediaType(JSON_TYPES);
  const text = body.toString('utf8');
  if (!text.trim()) throw badRequest('the body of the request was empty');
  try {
    if (type === 'application/yaml' || type === 'application/apply-patch+yaml')
      return YAML.parse(text);
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(
      `couldn't get version/kind; json parse error: ${(e as Error).message}`,
    );
  }
}
