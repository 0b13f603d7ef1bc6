/**
 * Where each feed of facts continues, and from when the ledger may be out of date.
 *
 * A feed's cursor is saved after the facts read up to it are stored: a crash in between reads
 * them again, and facts are stored by id, so nothing counts twice. Saving a cursor also marks
 * the ledger out of date from the earliest time in those facts (`stale_from`), in the same
 * write: a crash before the recompute leaves the mark, and the next run recomputes from it.
 */
export interface CursorStore {
  /** The feed's saved cursor; undefined when it has none (it starts from the beginning). */
  get(feed: string): Promise<string | undefined>;
  /**
   * Saves the feed's cursor and, when `staleFrom` (ISO) is given, marks the ledger out of date
   * from it (unless an earlier mark stands).
   */
  save(feed: string, cursor: string, staleFrom?: string): Promise<void>;
  /** The earliest mark of every feed; undefined before any was made. */
  staleFrom(): Promise<string | undefined>;
  /**
   * The ledger now reflects every stored fact before `time` (ISO): every mark before it (and
   * every feed of `feeds` without one) moves up to `time`.
   */
  markCurrent(time: string, feeds?: string[]): Promise<void>;
}
