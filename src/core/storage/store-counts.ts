/** Meta key under which the IndexedDB storage keeps its exact record counts. */
export const COUNTS_META_KEY = 'storeCounts';

/** How many records the outbox, dead-letter and conflict stores hold. */
export interface StoreCounts {
  pending: number;
  deadLetters: number;
  conflicts: number;
}

/** One of the counted stores. */
export type CountName = keyof StoreCounts;

/** Counts of an empty database, stored when the schema is created. */
export const EMPTY_COUNTS: StoreCounts = { pending: 0, deadLetters: 0, conflicts: 0 };

/** Whether a stored meta value is a usable {@link StoreCounts} (anything else is recounted). */
export function isStoreCounts(value: unknown): value is StoreCounts {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (['pending', 'deadLetters', 'conflicts'] as const).every((k) => Number.isSafeInteger(v[k]) && (v[k] as number) >= 0);
}

/**
 * The changes one transaction made to the record counts. Counting a store in IndexedDB is O(n)
 * (Chromium walks LevelDB), so the storage keeps exact counters in `meta`, and every change to a
 * counted store reports here how many records it added or removed; the transaction writes the
 * new totals just before it commits, in the same transaction, so they can never drift.
 */
export class CountsDelta {
  readonly #delta: StoreCounts = { ...EMPTY_COUNTS };
  readonly #inFlight = new Set<Promise<unknown>>();

  /** Records a change once `change` resolves with the number of records it added (negative: removed). */
  track(name: CountName, change: Promise<number>): Promise<void> {
    const done = change.then((n) => {
      this.#delta[name] += n;
    });
    this.#inFlight.add(done);
    const forget = (): void => {
      this.#inFlight.delete(done);
    };
    done.then(forget, forget);
    return done;
  }

  /** Resolves once every tracked change has settled (awaits only tx requests, so the transaction stays active). */
  async settled(): Promise<void> {
    // Bounded: each round waits for the changes started so far; callers do not start new ones meanwhile.
    for (let round = 0; round < 100 && this.#inFlight.size > 0; round++) await Promise.allSettled([...this.#inFlight]);
  }

  /** Records a change already made (the caller knows exactly how many records it added or removed). */
  add(name: CountName, n: number): void {
    this.#delta[name] += n;
  }

  /** The change made so far to one count. */
  of(name: CountName): number {
    return this.#delta[name];
  }

  /** Whether any count changed. */
  get changed(): boolean {
    return this.#delta.pending !== 0 || this.#delta.deadLetters !== 0 || this.#delta.conflicts !== 0;
  }

  /** `base` with this transaction's changes applied. */
  applyTo(base: StoreCounts): StoreCounts {
    return {
      pending: base.pending + this.#delta.pending,
      deadLetters: base.deadLetters + this.#delta.deadLetters,
      conflicts: base.conflicts + this.#delta.conflicts,
    };
  }
}

/** What the counters need of one counted object store (structural, so this file needs no `idb`). */
export interface CountableStore {
  /** Records with this key (0 or 1), or all records. */
  count(key?: IDBValidKey): Promise<number>;
  delete(key: IDBValidKey): Promise<unknown>;
}

/** Where the counters live: one meta value. */
export interface CountsCell {
  get(): Promise<unknown>;
  put(counts: StoreCounts): Promise<unknown>;
}

/**
 * The counting side of one IndexedDB transaction: changes to counted stores go through here so
 * the delta is exact (a put counts only if its key was new, a delete only if its key was there;
 * the key's count is requested before the change, on the same ordered request queue).
 */
export class TxCounts {
  readonly #delta = new CountsDelta();
  readonly #store: (name: CountName) => CountableStore;
  readonly #cell: CountsCell;
  #recountAll = false;

  constructor(store: (name: CountName) => CountableStore, cell: CountsCell) {
    this.#store = store;
    this.#cell = cell;
  }

  /** Counts records added (positive) or removed (negative) by a change the caller tracked itself. */
  adjust(name: CountName, n: number): void {
    this.#delta.add(name, n);
  }

  /** Counts a record that `add` appends (an add either creates a record or aborts the transaction). */
  added(name: CountName, add: Promise<unknown>): Promise<void> {
    return this.#delta.track(
      name,
      add.then(() => 1),
    );
  }

  /** Puts a record, counting it if its key was new. */
  upsert(name: CountName, key: IDBValidKey, put: () => Promise<unknown>): Promise<void> {
    const existed = this.#store(name).count(key);
    return this.#delta.track(
      name,
      Promise.all([existed, put()]).then(([n]) => 1 - n),
    );
  }

  /** Deletes a record, uncounting it if it was there. */
  remove(name: CountName, key: IDBValidKey): Promise<void> {
    const store = this.#store(name);
    const existed = store.count(key);
    return this.#delta.track(
      name,
      Promise.all([existed, store.delete(key)]).then(([n]) => -n),
    );
  }

  /** One count, O(1): the stored counter plus this transaction's changes (a real count if the counter is missing). */
  async count(name: CountName): Promise<number> {
    await this.#delta.settled();
    const stored = await this.#cell.get();
    return isStoreCounts(stored) ? stored[name] + this.#delta.of(name) : this.#store(name).count();
  }

  /** Makes {@link write} count every store again instead of adding the changes (records were moved out uncounted). */
  recount(): void {
    this.#recountAll = true;
  }

  /** Writes this transaction's changes onto the stored counts; call after the transaction's work, still inside it. */
  async write(): Promise<void> {
    await this.#delta.settled();
    if (this.#recountAll) {
      // Read all the same: a damaged counter is reported (and kept) by the cell before it is replaced.
      await this.#cell.get();
      await this.#cell.put(await this.#recount());
      return;
    }
    if (!this.#delta.changed) return;
    const stored = await this.#cell.get();
    // A missing or damaged counter is rebuilt from the stores, which already hold this transaction's changes.
    await this.#cell.put(isStoreCounts(stored) ? this.#delta.applyTo(stored) : await this.#recount());
  }

  async #recount(): Promise<StoreCounts> {
    const [pending = 0, deadLetters = 0, conflicts = 0] = await Promise.all(
      (['pending', 'deadLetters', 'conflicts'] as const).map((name) => this.#store(name).count()),
    );
    return { pending, deadLetters, conflicts };
  }
}
