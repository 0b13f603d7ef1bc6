import { ResponseError } from '@backstage/errors';

/** The backend's own message when there is one ("Not allowed: ..."), else the error's. @public */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.cause?.message || error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** True for a 403 from the backend (or a NotAllowedError thrown by a fake). @public */
export function isNotAllowed(error: unknown): boolean {
  if (!error || typeof error !== 'object') {
    return false;
  }
  const e = error as {
    name?: string;
    statusCode?: number;
    cause?: { name?: string };
  };
  return (
    e.name === 'NotAllowedError' ||
    e.statusCode === 403 ||
    e.cause?.name === 'NotAllowedError'
  );
}
