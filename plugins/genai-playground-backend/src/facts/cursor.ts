import { InputError } from '@backstage/errors';
import type { FactsPosition } from './FactsFeedStore';

/** Where a feed read from the beginning starts: before every row. */
export const START: FactsPosition = {
  environmentEvents: 0,
  jobTimeline: 0,
  usage: 0,
};

const FORMAT = /^v1\.(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})$/;

/**
 * The cursor of a position: `v1.<environment event id>.<job timeline id>.<usage record id>`, the
 * last ids delivered of each sequence, in base64url. Opaque to callers; the version lets a later
 * format be told apart.
 */
export function encodeCursor(position: FactsPosition): string {
  const text = `v1.${position.environmentEvents}.${position.jobTimeline}.${position.usage}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The position a cursor stands for; absent: the start. An InputError naming `after` otherwise. */
export function decodeCursor(cursor: string | undefined): FactsPosition {
  if (cursor === undefined) return START;
  const found = Buffer.from(cursor, 'base64url').toString('utf8').match(FORMAT);
  const position = found && {
    environmentEvents: Number(found[1]),
    jobTimeline: Number(found[2]),
    usage: Number(found[3]),
  };
  if (
    !position ||
    !Object.values(position).every(Number.isSafeInteger) ||
    // One spelling per position: a cursor is only ever one this feed gave out.
    encodeCursor(position) !== cursor
  ) {
    throw new InputError(
      `Invalid query: after: not a cursor of this feed; pass the cursor of the page before, or leave it out to start from the beginning`,
    );
  }
  return position;
}
