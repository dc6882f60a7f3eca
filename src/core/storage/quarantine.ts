import { RECORD_VERSION } from '../../protocol/pending-write.ts';
import {
  type QuarantineCode,
  type QuarantinedRecord,
  type QuarantineSource,
  quarantinedRecordSchema,
} from '../../protocol/quarantined-record.ts';
import type { StorageTx } from './outbox-storage.ts';

/** Meta key of the list of quarantined records. */
export const QUARANTINE_META_KEY = 'quarantine';

/** A record to set aside, before it gets its id and time. */
export interface QuarantineEntry {
  readonly code: QuarantineCode;
  readonly store: QuarantineSource;
  readonly key: string | number;
  readonly reason: string;
  readonly raw: unknown;
}

/** A record of the wrong shape found by a read, and how to read it again (in a readwrite transaction, to move it). */
export interface Found extends QuarantineEntry {
  readonly reread: (tx: StorageTx) => Promise<unknown>;
}

/** How the storage stamps what it sets aside (injected: a clock and a random id). */
export interface QuarantineStamp {
  readonly now: () => number;
  readonly newId: () => string;
}

/**
 * The stored list as this code reads it: a stored value that is not a list (a damaged list) is
 * itself kept, as the first entry, rather than dropped.
 */
export function quarantinedList(stored: unknown, stamp: QuarantineStamp): QuarantinedRecord[] {
  if (stored === undefined) return [];
  const damaged = (reason: string, raw: unknown) =>
    toRecord({ code: 'record-quarantined', store: 'meta', key: QUARANTINE_META_KEY, reason, raw }, stamp);
  if (!Array.isArray(stored)) return [damaged('the quarantine list itself is not a list', stored)];
  // An entry of the wrong shape is kept too, inside one that says so.
  return stored.map((entry: unknown) =>
    quarantinedRecordSchema.safeParse(entry).success
      ? (entry as QuarantinedRecord)
      : damaged('an entry of the quarantine list is not of its shape', entry),
  );
}

/** How many records {@link quarantinedList} lists, without checking each (status reads it often). */
export function quarantinedCount(stored: unknown): number {
  if (stored === undefined) return 0;
  return Array.isArray(stored) ? stored.length : 1;
}

/** The entry of a meta value that failed its type check. */
export function metaEntry(key: string, raw: unknown): QuarantineEntry {
  return { code: 'record-quarantined', store: 'meta', key, reason: `meta value '${key}' is not of its type`, raw };
}

/** The record stored for an entry. */
export function toRecord(entry: QuarantineEntry, stamp: QuarantineStamp): QuarantinedRecord {
  const { code, store, key, reason, raw } = entry;
  return { v: RECORD_VERSION, id: stamp.newId(), code, store, key, reason, raw, at: stamp.now() };
}

/**
 * One transaction's quarantine. A read that meets a record of the wrong shape reports it here
 * and goes on as if the record were absent (or, for a chunk, as if it held only its good writes).
 * In a readwrite transaction the record is taken out of its store at once (`remove`) and listed
 * when the transaction finishes, atomically with everything else it did; a readonly one only
 * collects what it found, and the storage moves those records in a readwrite transaction
 * right after it ({@link Found.reread}).
 */
export class Quarantine {
  readonly #writable: boolean;
  readonly #moved: QuarantineEntry[] = [];
  /** What reads reported, once per record: two reads of one record may both meet it before its removal lands. */
  readonly #reported = new Set<string>();
  readonly #found = new Map<string, Found>();
  readonly #removals: Promise<unknown>[] = [];

  constructor(writable: boolean) {
    this.#writable = writable;
  }

  /** Sets a record a read found aside (listed when a readwrite transaction finishes; read again after a readonly one). */
  report(found: Found): void {
    const record = `${found.store}\u0000${String(found.key)}`;
    if (!this.#writable) {
      this.#found.set(record, found);
      return;
    }
    const entry = `${record}\u0000${found.reason}`;
    if (this.#reported.has(entry)) return;
    this.#reported.add(entry);
    this.#moved.push(found);
  }

  /** Takes reported records out of their store, now, in a readwrite transaction; a readonly one leaves that to the reread. */
  repair(remove: () => Promise<unknown>): void {
    if (!this.#writable) return;
    const removal = remove();
    removal.catch(() => {});
    this.#removals.push(removal);
  }

  /** Records a readonly transaction found, to read again in a readwrite one (one per store and key). */
  get found(): readonly Found[] {
    return [...this.#found.values()];
  }

  /** Whether this transaction moved records out of their stores (the counts must then be recounted). */
  get moved(): boolean {
    return this.#moved.length > 0;
  }

  /** Adds an entry that no read found (a pulled document); listed when the (readwrite) transaction finishes. */
  add(entry: QuarantineEntry): void {
    if (!this.#writable)
      throw new DOMException('The transaction is read-only: nothing can be quarantined in it.', 'ReadOnlyError');
    this.#moved.push(entry);
  }

  /** Waits for the removals and appends what was set aside to the stored list; call last, still inside the transaction. */
  async finish(list: { get(): Promise<unknown>; put(records: QuarantinedRecord[]): Promise<unknown> }, stamp: QuarantineStamp) {
    // Bounded: removals are only issued by reads, which have all been issued by now.
    while (this.#removals.length > 0) await Promise.all(this.#removals.splice(0));
    if (this.#moved.length === 0) return;
    const stored = quarantinedList(await list.get(), stamp);
    await list.put([...stored, ...this.#moved.splice(0).map((entry) => toRecord(entry, stamp))]);
  }
}
