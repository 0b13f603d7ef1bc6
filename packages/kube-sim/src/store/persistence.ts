/**
 * The optional state file: the whole store as JSON, written (atomically)
 * a second after changes settle and on shutdown, read back at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import { ObjectStore, StoreSnapshot } from './ObjectStore';

export function loadState(file: string): StoreSnapshot | undefined {
  if (!fs.existsSync(file)) return undefined;
  const text = fs.readFileSync(file, 'utf8');
  if (!text.trim()) return undefined;
  const parsed = JSON.parse(text) as StoreSnapshot & { version?: number };
  if (
    typeof parsed.resourceVersion !== 'number' ||
    typeof parsed.objects !== 'object'
  ) {
    throw new Error(`${file} is not a kube-sim state file`);
  }
  return parsed;
}

export function saveState(file: string, store: ObjectStore): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ version: 1, ...store.snapshot() }));
  fs.renameSync(tmp, file);
}

/** Saves `delayMs` after the last change; `flush()` saves now if anything is pending. */
export class StateSaver {
  private timer?: NodeJS.Timeout;
  private dirty = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly file: string,
    private readonly store: ObjectStore,
    private readonly delayMs = 1000,
  ) {
    this.unsubscribe = store.subscribe(undefined, () => this.schedule());
  }

  private schedule() {
    this.dirty = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  flush() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.dirty) return;
    this.dirty = false;
    saveState(this.file, this.store);
  }

  close() {
    this.unsubscribe();
    this.flush();
  }
}
