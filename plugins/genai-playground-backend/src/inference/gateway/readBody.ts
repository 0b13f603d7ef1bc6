import type { Request } from 'express';
import { GatewayError } from './errors';

/** Reads the whole request body, refusing more than `limit` bytes with a 413. */
export function readBody(req: Request, limit: number): Promise<Buffer> {
  const tooLarge = () =>
    new GatewayError(
      413,
      `Request body is larger than the gateway's limit of ${limit} bytes`,
      { code: 'request_too_large' },
    );
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let cleanup = () => {};
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
