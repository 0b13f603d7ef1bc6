/** The parts of Express's request, response and next the guard uses (kept structural). */
export interface GuardRequest {
  path: string;
  method: string;
  originalUrl: string;
  headers: { authorization?: string };
}
export interface GuardResponse {
  status(code: number): { json(body: unknown): unknown };
}
/** Where the scheduler service mounts its REST API on every plugin: list, trigger, cancel. */
const SCHEDULER_API = /^\/api\/[^/]+\/\.backstage\/scheduler\//;

/**
 * The `typ` of the tokens Backstage issues to users (`tokenTypes` of @backstage/plugin-auth-node):
 * a signed-in user and a user's limited (cookie) token.
 */
const USER_TOKEN_TYPES = new Set([
  'vnd.backstage.user',
  'vnd.backstage.limited-user',
]);

/** The `typ` of a JWT's header, unverified; undefined for anything else (a static token). */
function tokenType(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+([^.\s]+)\.[^.\s]+\.[^.\s]*$/i.exec(
    authorization ?? '',
  );
  if (!match) return undefined;
  try {
    const header = JSON.parse(
      Buffer.from(match[1], 'base64url').toString('utf8'),
    );
    return typeof header?.typ === 'string' ? header.typ : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses users the scheduler's REST API (`/api/<plugin>/.backstage/scheduler/v1/tasks`, and its
 * `trigger` and `cancel`), which Backstage opens to any signed-in user with no permission check
 * (backstage/backstage#30049): anyone could otherwise run the cost collector, the idle scan or
 * the compliance evaluation back to back. Services and operators' static tokens still reach it,
 * and the plugin's own authentication then decides as before. The token is read unverified, which
 * is safe because it can only refuse: a token that does not say it is a user's is verified by the
 * plugin as usual.
 */
export function schedulerApiGuard(
  req: GuardRequest,
  res: GuardResponse,
  next: () => void,
): void {
  if (!SCHEDULER_API.test(req.path)) {
    next();
    return;
  }
  const typ = tokenType(req.headers.authorization);
  if (typ === undefined || !USER_TOKEN_TYPES.has(typ)) {
    next();
    return;
  }
  res.status(403).json({
    error: {
      name: 'NotAllowedError',
      message:
        "The scheduler's API is for services and operators' tokens, not users",
    },
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode: 403 },
  });
}
