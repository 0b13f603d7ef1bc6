/**
 * Error bodies as recent vLLM (0.10 and later) returns them from its OpenAI-compatible server:
 *
 *   {"error": {"message": "...", "type": "BadRequestError", "param": null, "code": 400}}
 *
 * vLLM before 0.10 returned the same fields flat with `"object": "error"`; 0.10 wrapped them in
 * `error` (its `ErrorResponse(error=ErrorInfo(...))`), which is also OpenAI's own shape, so the
 * official clients surface `message`, `type`, `param` and `code`. The sim follows the current one.
 *
 * vLLM uses two `type`s for a 400: "BadRequestError" when its serving code rejects a request
 * (unknown role, context too long, sampling parameters out of range) and "Bad Request" (the HTTP
 * phrase) when pydantic rejects the JSON body (missing field, wrong type, invalid JSON).
 */

export type ErrorType =
  | 'BadRequestError'
  | 'Bad Request'
  | 'NotFoundError'
  | 'InternalServerError'
  | 'NotImplementedError'
  | string;

export class VllmError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: ErrorType,
    readonly param: string | null = null,
  ) {
    super(message);
  }

  toBody() {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.status,
      },
    };
  }
}

/** What vLLM's serving layer returns for a request it understood but refuses. */
export function badRequest(
  message: string,
  param: string | null = null,
): VllmError {
  return new VllmError(400, message, 'BadRequestError', param);
}

/**
 * vLLM's VLLMValidationError renders as "message (parameter=x, value=y)" and the server uses that
 * string as the error message, with `param` set.
 */
export function validationError(
  message: string,
  param: string,
  value: string,
): VllmError {
  return badRequest(`${message} (parameter=${param}, value=${value})`, param);
}

/** One pydantic error, as FastAPI reports it for a body that does not fit the request model. */
export interface SchemaIssue {
  type: string;
  loc: Array<string | number>;
  msg: string;
  ctx?: Record<string, string>;
}

/**
 * A body that does not fit the request schema: vLLM lets FastAPI's validation error through its
 * own handler, which answers 400 with type "Bad Request" and pydantic's error list as text. The
 * text here follows pydantic's layout without echoing the input back.
 */
export function schemaError(issues: SchemaIssue[]): VllmError {
  const lines = issues.map(issue => {
    const loc = `(${issue.loc.map(pyRepr).join(', ')}${
      issue.loc.length === 1 ? ',' : ''
    })`;
    const ctx = issue.ctx
      ? `, 'ctx': {${Object.entries(issue.ctx)
          .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
          .join(', ')}}`
      : '';
    return `  {'type': ${pyRepr(issue.type)}, 'loc': ${loc}, 'msg': ${pyRepr(
      issue.msg,
    )}${ctx}}`;
  });
  const plural = issues.length === 1 ? '' : 's';
  return new VllmError(
    400,
    `${issues.length} validation error${plural}:\n${lines.join('\n')}`,
    'Bad Request',
  );
}

export function modelNotFound(model: string): VllmError {
  return new VllmError(
    404,
    `The model \`${model}\` does not exist.`,
    'NotFoundError',
    'model',
  );
}

/** Errors for injected failures; the body names the status the way vLLM names its own. */
export function injectedFailure(status: number): VllmError {
  const messages: Record<number, [string, string]> = {
    500: ['Internal server error', 'InternalServerError'],
    502: ['Bad gateway', 'BadGateway'],
    503: ['Service unavailable', 'ServiceUnavailableError'],
    504: ['Gateway timeout', 'GatewayTimeout'],
    429: ['Too many requests', 'TooManyRequests'],
  };
  const [message, type] = messages[status] ?? [
    `Injected failure ${status}`,
    'InjectedError',
  ];
  return new VllmError(status, `${message} (injected by llm-sim)`, type);
}

/** Python's repr for the few value kinds that appear in vLLM's messages. */
export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
    return `${quote}${
      quote === "'" ? escaped.replace(/'/g, "\\'") : escaped
    }${quote}`;
  }
  return JSON.stringify(value);
}

/** Python's repr of a float: integral values keep a ".0" (3 -> 3.0). */
export function pyFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value);
}
