import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { QuarantinedRecord } from '../../protocol/quarantined-record.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { QuarantineEntry } from './quarantine.ts';

/**
 * The storage boundary. Two implementations — IndexedDB (`idb-outbox-storage.ts`, the only
 * file that imports `idb`) and memory (`memory-outbox-storage.ts`) — and one contract suite
 * (`test/contracts/outbox-storage.contract.ts`) that both pass.
 *
 * Contract:
 * - `transact('readwrite', fn)` is atomic: if `fn` throws (or the platform aborts), no change
 *   made inside it is visible afterwards, and the returned promise rejects with an OutboxError.
 *   It resolves only after the transaction has durably committed.
 * - Readwrite transactions are serialized; a readonly one sees a consistent snapshot.
 * - Inside `fn`, await only `tx` calls: IndexedDB commits a transaction left without pending
 *   requests, so awaiting anything else (fetch, timers, other transactions) breaks it.
 * - A record read back in the wrong shape never fails a read: it reads as absent and is moved to
 *   the quarantine (in the same transaction if it is readwrite, else in one right after).
 * - Platform errors are mapped to OutboxError codes at this boundary (`map-storage-error.ts`),
 *   the original kept as `cause`.
 */
export interface OutboxStorage {
  /** Database name (one per user per origin). */
  readonly name: string;
  transact<T>(mode: 'readonly' | 'readwrite', fn: (tx: StorageTx) => Promise<T>): Promise<T>;
  /** Closes the database; later calls reject with `database-closed`. */
  close(): void;
}

/** Operations available inside one transaction. */
export interface StorageTx {
  // docs: by collection and key
  getDoc(collection: string, key: string): Promise<StoredDoc | undefined>;
  /** Many documents of one collection, in the order of `keys` (undefined where there is none). */
  getDocs(collection: string, keys: readonly string[]): Promise<(StoredDoc | undefined)[]>;
  putDoc(doc: StoredDoc): Promise<void>;
  /** Puts many documents; resolves once all are written (one promise for the lot). */
  putDocs(docs: readonly StoredDoc[]): Promise<void>;
  deleteDoc(collection: string, key: string): Promise<void>;
  /** Documents of one collection in key order with key > `after`, at most `limit`. */
  listDocs(collection: string, after: string | undefined, limit: number): Promise<StoredDoc[]>;
  countDocs(collection: string): Promise<number>;
  /** Removes every document of a collection; returns how many. */
  clearDocs(collection: string): Promise<number>;

  // outbox: by seq (increasing, never reused, even after deletes or clears)
  /** Appends a write and returns its new `seq`. */
  addWrite(write: Omit<PendingWrite, 'seq'>): Promise<number>;
  /** Appends writes in order and returns their new seqs, as many `addWrite`s would (an id already held fails it). */
  appendWrites(writes: readonly Omit<PendingWrite, 'seq'>[]): Promise<number[]>;
  /** Replaces the write with the same `seq`. */
  putWrite(write: PendingWrite): Promise<void>;
  getWrite(seq: number): Promise<PendingWrite | undefined>;
  getWriteById(id: string): Promise<PendingWrite | undefined>;
  deleteWrite(seq: number): Promise<void>;
  /** Writes with seq > `afterSeq` in seq order, at most `limit`. */
  listWrites(afterSeq: number, limit: number): Promise<PendingWrite[]>;
  /** Writes to one document in seq order. */
  listWritesForDoc(collection: string, key: string): Promise<PendingWrite[]>;
  /** The writes of many documents of one collection, each in seq order, in the order of `keys`. */
  listWritesForDocs(collection: string, keys: readonly string[]): Promise<PendingWrite[][]>;
  /** All writes, or those of one collection. */
  countWrites(collection?: string): Promise<number>;

  // deadLetters: key id
  putDeadLetter(letter: DeadLetter): Promise<void>;
  getDeadLetter(id: string): Promise<DeadLetter | undefined>;
  deleteDeadLetter(id: string): Promise<void>;
  /** Oldest first (by deadAt). */
  listDeadLetters(): Promise<DeadLetter[]>;
  countDeadLetters(): Promise<number>;

  // conflicts: key id
  putConflict(conflict: ConflictRecord): Promise<void>;
  deleteConflict(id: string): Promise<void>;
  /** Oldest first (by at). */
  listConflicts(): Promise<ConflictRecord[]>;
  countConflicts(): Promise<number>;

  // meta: small named values (client id, pull cursor, auth headers, counters, schema versions)
  /**
   * The value stored under `key`. With `isValid`, a stored value that fails it reads as undefined
   * and goes to the quarantine (as every record of the wrong shape read from any store does).
   */
  getMeta<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined>;
  putMeta(key: string, value: unknown): Promise<void>;

  // quarantine: records of the wrong shape met by reads (they then read as absent), and pulled
  // documents that failed their schema; kept as they were, with a code (quarantine.ts)
  /** Sets a record aside (readwrite transactions only); listed once the transaction commits. */
  quarantine(entry: QuarantineEntry): Promise<void>;
  /** Oldest first. */
  listQuarantined(): Promise<QuarantinedRecord[]>;
  countQuarantined(): Promise<number>;
}
