import { ResponseError } from '@backstage/errors';

/** The backend's own message when there is one ("ttlHours: must be at most 336"), else the error's. */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** True when the backend answered `status`, or a fake threw the error class of that name. */
function isBackendError(error: unknown, name: string, status: number): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const e = error as {
    name?: string;
    statusCode?: number;
    cause?: { name?: string };
  };
  return e.name === name || e.statusCode === status || e.cause?.name === name;
}

/** True for a 404 from the backend (or a NotFoundError thrown by a fake). */
export function isNotFound(error: unknown): boolean {
  return isBackendError(error, 'NotFoundError', 404);
}

/** True for a 403 from the backend (or a NotAllowedError thrown by a fake). */
export function isNotAllowed(error: unknown): boolean {
  return isBackendError(error, 'NotAllowedError', 403);
}

/**
 * Reading an environment the caller may not see answers 403 even when it does not exist (the
 * backend authorizes before it looks), so both read as "not found" to the user.
 */
export function isNotVisible(error: unknown): boolean {
  return isNotFound(error) || isNotAllowed(error);
}
