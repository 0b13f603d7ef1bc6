import { REQUEST_ID_HEADER } from '@genai-portal/plugin-genai-playground-common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/** What a client may choose as its call's id: short, and safe in a header and a log line. */
const CLIENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Names the call: the client's own `x-request-id` when it sent a usable one, else a new
 * `req_<32 hex>`; the answer carries it from its first header on (errors and streams too).
 */
export function nameRequest(req: IncomingMessage, res: ServerResponse): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  const id =
    typeof sent === 'string' && CLIENT_ID.test(sent)
      ? sent
      : `req_${randomUUID().replace(/-/g, '')}`;
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
