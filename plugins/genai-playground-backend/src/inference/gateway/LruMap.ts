/**
 * A Map that holds at most `max` entries, dropping the least recently used one when full. For
 * caches whose keys a caller chooses (API keys, environment ids): without a cap, a caller sending
 * endless made-up ones would grow the process's memory without end.
 */
export class LruMap<K, V> extends Map<K, V> {
  readonly max: number;

  constructor(max: number) {
    super();
    this.max = max;
  }

  get(key: K): V | undefined {
    const value = super.get(key);
    if (value !== undefined) {
      // the most recently used entries stay at the end (Map keeps insertion order)
      super.delete(key);
      super.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}
