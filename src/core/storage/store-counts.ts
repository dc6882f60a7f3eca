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
