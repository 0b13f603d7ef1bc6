import type { Response } from 'express';
import { LimitStoreUnavailableError } from '../limits/LimitStore';

/** OpenAI's `error.type` values the gateway answers with. */
export type OpenAiErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'insufficient_quota'
  | 'api_error'
  | 'server_error';

const TYPE_BY_STATUS: Record<number, OpenAiErrorType> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'invalid_request_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

/**
 * An answer of the `/v1` routes in OpenAI's error shape: `{ error: { message, type, param, code } }`
 * with the status, so that the `openai` client raises its matching error class
 * (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError, ...).
 */
export class GatewayError extends Error {
  readonly status: number;
  readonly type: OpenAiErrorType;
  readonly param: string | null;
  readonly code: string | null;
  /** Extra response headers, e.g. Retry-After. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: {
      type?: OpenAiErrorType;
      param?: string;
      code?: string;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'GatewayError';
    this.status = status;
    this.type =
      options.type ??
      TYPE_BY_STATUS[status] ??
      (status >= 500 ? 'api_error' : 'invalid_request_error');
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  toJSON() {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.code,
      },
    };
  }
}

export const badRequest = (message: string, param?: string, code?: string) =>
  new GatewayError(400, message, { param, code });

/** Any error as a GatewayError: unknown ones are a 500 that does not leak their message. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof LimitStoreUnavailableError) {
    return new GatewayError(
      503,
      `Rate limits and budgets cannot be checked right now (${error.message}); the call was not made. Try again in a few seconds.`,
      {
        type: 'api_error',
        code: 'limits_unavailable',
        headers: { 'retry-after': String(error.retryAfterSeconds) },
      },
    );
  }
  const e = error as { type?: string; status?: number; limit?: number };
  // body-parser style errors, should any reach here
  if (e?.type === 'entity.too.large') {
    return new GatewayError(
      413,
      `Request body is larger than ${e.limit} bytes`,
      { code: 'request_too_large' },
    );
  }
  return new GatewayError(500, 'The gateway failed to handle the request', {
    type: 'server_error',
  });
}

/** Sends an error in OpenAI's shape, unless the response has started (then ends it). */
export function sendGatewayError(
  res: Response,
  error: GatewayError,
  extraHeaders?: Record<string, string>,
) {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(error.toJSON());
  res.writeHead(error.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...error.headers,
    ...extraHeaders,
  });
  res.end(body);
}

/** The SSE event that ends a stream the gateway had to cut: the openai client raises it. */
export function sseErrorEvent(error: GatewayError): string {
  return `data: ${JSON.stringify({
    error: {
      message: error.message,
      type: error.type,
      param: error.param,
      code: error.status,
    },
  })}\n\ndata: [DONE]\n\n`;
}
