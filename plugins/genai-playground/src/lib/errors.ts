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

/** True for a 404 from the backend (or a NotFoundError thrown by a fake). */
export function isNotFound(error: unknown): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const e = error as {
    name?: string;
    statusCode?: number;
    cause?: { name?: string };
  };
  return (
    e.name === 'NotFoundError' ||
    e.statusCode === 404 ||
    e.cause?.name === 'NotFoundError'
  );
}
