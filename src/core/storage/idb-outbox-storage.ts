import { type DBSchema, type IDBPDatabase, type IDBPTransaction, unwrap, wrap } from 'idb';
import { OutboxError } from '../../errors.ts';
import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { QuarantinedRecord } from '../../protocol/quarantined-record.ts';
import { randomId } from '../../protocol/ids.ts';
import { ChunkedOutboxTx } from './chunked-outbox-tx.ts';
import { type DocRecord, type DocRequests, DocValueLinks } from './doc-value-links.ts';
import { type DocStore, docRange, GuardedDocs } from './guarded-docs.ts';
import { guardedChunkRequests } from './guarded-chunks.ts';
import { GuardedRecords, type RecordStore } from './guarded-records.ts';
import {
  type Found,
  Quarantine,
  type QuarantineEntry,
  QUARANTINE_META_KEY,
  type QuarantineStamp,
  quarantinedCount,
  quarantinedList,
} from './quarantine.ts';
import {
  DB_VERSION,
  docId,
  STORE_CONFLICTS,
  STORE_DEAD_LETTERS,
  STORE_DOCS,
  STORE_META,
  STORE_OUTBOX,
  upgradeSchema,
} from './idb-schema.ts';
import { mapStorageError } from './map-storage-error.ts';
import { isOutboxState, OUTBOX_STATE_META_KEY, type OutboxChunk, type OutboxState } from './outbox-chunk.ts';
import { IndexKeeper } from './pending-write-index.ts';
import type { OutboxStorage, StorageTx } from './outbox-storage.ts';
import { COUNTS_META_KEY, type CountableStore, type CountName, isStoreCounts, TxCounts } from './store-counts.ts';

/**
 * Durability of readwrite transactions. 'strict' (Chromium then flushes to disk before `complete`)
 * because a resolved put promises the user that the write survives a crash or power loss, and
 * group commit amortises the flush over every write of a group, so its cost is paid per group,
 * not per write. 'relaxed' (Workbox's choice) is faster per transaction but may lose the last
 * committed writes on power loss; SIGKILL tests cannot tell the two apart (BROWSER-TESTING.md f).
 * Overridable per database through the `durability` option.
 */
export const WRITE_DURABILITY: IDBTransactionDurability = 'strict';

interface OutboxDb extends DBSchema {
  docs: { key: string; value: DocRecord };
  outbox: { key: number; value: OutboxChunk };
  deadLetters: { key: string; value: DeadLetter; indexes: { 'by-deadAt': number } };
  conflicts: { key: string; value: ConflictRecord; indexes: { 'by-at': number } };
  meta: { key: string; value: unknown };
}

type Db = IDBPDatabase<OutboxDb>;
type StoreName = 'docs' | 'outbox' | 'deadLetters' | 'conflicts' | 'meta';
type Tx = IDBPTransaction<OutboxDb, StoreName[], IDBTransactionMode>;

const ALL_STORES: StoreName[] = [STORE_DOCS, STORE_OUTBOX, STORE_DEAD_LETTERS, STORE_CONFLICTS, STORE_META];

export interface IdbOutboxStorageOptions {
  /**
   * The IndexedDB factory; default `globalThis.indexedDB`. In Node pass fake-indexeddb's, after
   * importing 'fake-indexeddb/auto': idb also needs the IDB* classes and IDBKeyRange as globals.
   */
  readonly indexedDB?: IDBFactory | undefined;
  /** Durability of readwrite transactions; default {@link WRITE_DURABILITY}. */
  readonly durability?: IDBTransactionDurability | undefined;
  /** Clock and ids of quarantined records (quarantine.ts); default `Date.now` and random ids. */
  readonly stamp?: QuarantineStamp | undefined;
}

/**
 * Opens (creating or upgrading) the IndexedDB database `name` as an {@link OutboxStorage}.
 * The only module that imports `idb`. Another tab asking to upgrade the schema makes this
 * connection close itself (later calls reject with `database-closed`), so upgrades are never stuck.
 *
 * @example
 * const storage = await openIdbOutboxStorage('outbox:user-42');
 */
export async function openIdbOutboxStorage(name: string, options: IdbOutboxStorageOptions = {}): Promise<OutboxStorage> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (factory === undefined) {
    throw new OutboxError('storage-failed', { name, operation: 'open', reason: 'IndexedDB is not available here' });
  }
  const db = await openWithFactory(factory, name);
  const stamp = options.stamp ?? { now: Date.now, newId: () => randomId() };
  return new IdbOutboxStorage(db, name, options.durability ?? WRITE_DURABILITY, stamp);
}

async function openWithFactory(factory: IDBFactory, name: string): Promise<Db> {
  try {
    const request = factory.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => upgradeSchema(request.result, request.transaction as IDBTransaction, event.oldVersion);
    const opening = wrap(request) as unknown as Promise<Db>;
    const whenBlocked = new Promise<never>((_, reject) => {
      request.onblocked = () =>
        reject(new DOMException(`Upgrade of '${name}' is blocked by another connection.`, 'BlockedError'));
    });
    // Should a blocked upgrade go through after we gave up, close that late connection.
    opening.then(
      (db) => whenBlocked.catch(() => db.close()),
      () => {},
    );
    return await Promise.race([opening, whenBlocked]);
  } catch (error) {
    throw mapStorageError(error, { name, operation: 'open' });
  }
}

class IdbOutboxStorage implements OutboxStorage {
  readonly name: string;
  readonly #db: Db;
  readonly #durability: IDBTransactionDurability;
  readonly #stamp: QuarantineStamp;
  /** This connection's index of pending writes by id and by document (pending-write-index.ts). */
  readonly #keeper = new IndexKeeper();
  readonly #tokenPrefix = Math.random().toString(36).slice(2, 10);
  #tokens = 0;
  #closed = false;

  constructor(db: Db, name: string, durability: IDBTransactionDurability, stamp: QuarantineStamp) {
    this.name = name;
    this.#db = db;
    this.#durability = durability;
    this.#stamp = stamp;
    db.addEventListener('versionchange', () => this.close());
    db.addEventListener('close', () => {
      this.#closed = true;
    });
  }

  async transact<T>(mode: 'readonly' | 'readwrite', fn: (tx: StorageTx) => Promise<T>): Promise<T> {
    const context = { name: this.name, operation: 'transact' };
    if (this.#closed) throw new OutboxError('database-closed', context);
    let tx: Tx;
    try {
      tx = this.#db.transaction(ALL_STORES, mode, mode === 'readwrite' ? { durability: this.#durability } : {});
    } catch (error) {
      throw mapStorageError(error, context);
    }
    // Observed at once so an abort never surfaces as an unhandled rejection.
    const done = tx.done.then(
      () => undefined,
      (error: unknown) => error ?? new DOMException('The transaction was aborted.', 'AbortError'),
    );
    let result: T;
    const newToken = () => `${this.#tokenPrefix}-${++this.#tokens}`;
    const storageTx = new IdbStorageTx(tx, this.#keeper, mode === 'readwrite', newToken, this.#stamp);
    try {
      result = await fn(storageTx);
      if (mode === 'readwrite') await storageTx.finish();
    } catch (error) {
      abortQuietly(tx);
      const platformError = await done;
      storageTx.ended(false);
      // A request that failed aborts the transaction on its own: prefer its error (e.g. QuotaExceededError).
      throw mapStorageError(isAbortError(error) && platformError !== undefined ? platformError : error, context);
    }
    const failure = await done;
    storageTx.ended(failure === undefined);
    if (failure !== undefined) throw mapStorageError(failure, context);
    if (storageTx.found.length > 0) await this.#moveFound(storageTx.found);
    return result;
  }

  /**
   * Moves records of the wrong shape a readonly transaction met to the quarantine: each is read
   * again in one readwrite transaction, which sets it aside if it is still wrong. Should that fail,
   * the records stay where they are, and reads keep passing over them.
   */
  async #moveFound(found: readonly Found[]): Promise<void> {
    try {
      await this.transact('readwrite', async (tx) => {
        for (const record of found) await record.reread(tx);
      });
    } catch {
      // Nothing lost: the records are still in their stores, skipped by every read, and tried again on the next one.
    }
  }

  close(): void {
    this.#closed = true;
    this.#db.close();
  }
}

function abortQuietly(tx: Tx): void {
  try {
    tx.abort();
  } catch {
    // Already finished or aborted by the platform: nothing left to undo.
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** The chunked outbox's requests over one transaction, every chunk checked as it is read (guarded-chunks.ts). */
function chunkRequests(tx: Tx, quarantine: Quarantine, getState: () => Promise<unknown>) {
  const store = tx.objectStore(STORE_OUTBOX);
  const meta = tx.objectStore(STORE_META);
  return guardedChunkRequests(
    {
      async walkDown(seq, take) {
        // Bounded by the store: each step moves the cursor one record down.
        for (let cursor = await store.openCursor(IDBKeyRange.upperBound(seq), 'prev'); cursor; cursor = await cursor.continue()) {
          const chunk = take(cursor.key, cursor.value);
          if (chunk !== undefined) return chunk;
        }
        return undefined;
      },
      async page(after, count) {
        const range = IDBKeyRange.lowerBound(after, true);
        const [values, keys] = await Promise.all([store.getAll(range, count), store.getAllKeys(range, count)]);
        return { values, keys };
      },
      put: (chunk) => store.put!(chunk, chunk.firstSeq),
      delete: (firstSeq) => store.delete!(firstSeq),
      getState,
      putState: (state: OutboxState) => meta.put!(state, OUTBOX_STATE_META_KEY),
    },
    quarantine,
  );
}

/** The document requests of {@link DocValueLinks} over one transaction. */
function docRequests(tx: Tx): DocRequests {
  const store = tx.objectStore(STORE_DOCS);
  return {
    get: (collection, key) => store.get(docId(collection, key)),
    put: (collection, key, record) => store.put!(record, docId(collection, key)),
  };
}

/** The {@link StorageTx} over one IndexedDB transaction spanning every store. */
class IdbStorageTx implements StorageTx {
  readonly #tx: Tx;
  readonly #counts: TxCounts;
  readonly #outbox: ChunkedOutboxTx;
  readonly #links: DocValueLinks;
  readonly #docs: GuardedDocs;
  readonly #records: GuardedRecords;
  readonly #quarantine: Quarantine;
  readonly #stamp: QuarantineStamp;

  constructor(tx: Tx, keeper: IndexKeeper, writable: boolean, newToken: () => string, stamp: QuarantineStamp) {
    this.#tx = tx;
    this.#stamp = stamp;
    this.#quarantine = new Quarantine(writable);
    const meta = tx.objectStore(STORE_META);
    const counted = (name: CountName): CountableStore =>
      name === 'pending'
        ? {
            count: () => this.#outbox.countWrites(),
            delete: () => Promise.reject(new Error('pending writes are counted by the outbox')),
          }
        : (tx.objectStore(name === 'deadLetters' ? STORE_DEAD_LETTERS : STORE_CONFLICTS) as unknown as CountableStore);
    this.#counts = new TxCounts(counted, {
      // Damaged counts are recounted; the damaged value goes to the quarantine.
      get: () => this.#records.getMeta(COUNTS_META_KEY, isStoreCounts),
      put: (counts) => meta.put!(counts, COUNTS_META_KEY),
    });
    this.#links = new DocValueLinks(
      docRequests(tx),
      (seq) => this.#outbox.getWrite(seq),
      (collection, key, record, reason) => this.#docs.broken(collection, key, record, reason),
    );
    const store = (name: StoreName) => tx.objectStore(name) as unknown as RecordStore;
    this.#records = new GuardedRecords(
      { deadLetters: store(STORE_DEAD_LETTERS), conflicts: store(STORE_CONFLICTS), meta: store(STORE_META) },
      this.#quarantine,
    );
    this.#docs = new GuardedDocs(tx.objectStore(STORE_DOCS) as unknown as DocStore, this.#links, this.#quarantine);
    this.#outbox = new ChunkedOutboxTx(
      chunkRequests(tx, this.#quarantine, () => this.#records.getMeta(OUTBOX_STATE_META_KEY, isOutboxState)),
      keeper,
      writable,
      (n) => this.#counts.adjust('pending', n),
      newToken,
      (before, after) => this.#links.writeChanged(before, after),
      (record) => this.#links.appended(record),
    );
  }

  /** Writes the outbox's changed chunks, the counts, then the quarantine; called after `fn`, still inside the transaction. */
  async finish(): Promise<void> {
    await this.#links.finish();
    await this.#outbox.finish();
    // What was quarantined was never counted right (or at all): count the stores again.
    if (this.#quarantine.moved) this.#counts.recount();
    await this.#counts.write();
    // Last: writing the counts may itself meet a damaged counter.
    await this.#quarantine.finish(this.#quarantineCell(), this.#stamp);
  }

  /** Records of the wrong shape this (readonly) transaction met, to move in a readwrite one. */
  get found(): readonly Found[] {
    return this.#quarantine.found;
  }

  #quarantineCell() {
    const meta = this.#tx.objectStore(STORE_META);
    return { get: () => meta.get(QUARANTINE_META_KEY), put: (list: QuarantinedRecord[]) => meta.put!(list, QUARANTINE_META_KEY) };
  }

  /** Tells the outbox how the transaction ended. */
  ended(committed: boolean): void {
    this.#outbox.ended(committed);
  }

  getDoc(collection: string, key: string): Promise<StoredDoc | undefined> {
    return this.#docs.getDoc(collection, key);
  }

  getDocs(collection: string, keys: readonly string[]): Promise<(StoredDoc | undefined)[]> {
    return this.#docs.getDocs(collection, keys);
  }

  async putDoc(doc: StoredDoc): Promise<void> {
    await this.#tx.objectStore(STORE_DOCS).put!(this.#links.toRecord(doc), docId(doc.collection, doc.key));
  }

  /** One plain request per document and one promise for the lot: requests of a transaction succeed in order, so the last one's success means all did. */
  putDocs(docs: readonly StoredDoc[]): Promise<void> {
    const store = unwrap(this.#tx.objectStore(STORE_DOCS)) as IDBObjectStore;
    let last: IDBRequest | undefined;
    for (const doc of docs) last = store.put(this.#links.toRecord(doc), docId(doc.collection, doc.key));
    if (last === undefined) return Promise.resolve();
    const request = last;
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
  }

  async deleteDoc(collection: string, key: string): Promise<void> {
    this.#links.deleted(collection, key);
    await this.#tx.objectStore(STORE_DOCS).delete!(docId(collection, key));
  }

  listDocs(collection: string, after: string | undefined, limit: number): Promise<StoredDoc[]> {
    return this.#docs.listDocs(collection, after, limit);
  }

  async countDocs(collection: string): Promise<number> {
    return this.#tx.objectStore(STORE_DOCS).count(docRange(collection));
  }

  async clearDocs(collection: string): Promise<number> {
    const store = this.#tx.objectStore(STORE_DOCS);
    const count = await store.count(docRange(collection));
    this.#links.cleared(collection);
    await store.delete!(docRange(collection));
    return count;
  }

  async addWrite(write: Omit<PendingWrite, 'seq'>): Promise<number> {
    const [seq] = await this.appendWrites([write]);
    return seq as number;
  }

  appendWrites(writes: readonly Omit<PendingWrite, 'seq'>[]): Promise<number[]> {
    return this.#outbox.appendWrites(writes);
  }

  putWrite(write: PendingWrite): Promise<void> {
    return this.#outbox.putWrite(write);
  }

  getWrite(seq: number): Promise<PendingWrite | undefined> {
    return this.#outbox.getWrite(seq);
  }

  getWriteById(id: string): Promise<PendingWrite | undefined> {
    return this.#outbox.getWriteById(id);
  }

  deleteWrite(seq: number): Promise<void> {
    return this.#outbox.deleteWrite(seq);
  }

  listWrites(afterSeq: number, limit: number): Promise<PendingWrite[]> {
    return this.#outbox.listWrites(afterSeq, limit);
  }

  listWritesForDoc(collection: string, key: string): Promise<PendingWrite[]> {
    return this.#outbox.listWritesForDoc(collection, key);
  }

  listWritesForDocs(collection: string, keys: readonly string[]): Promise<PendingWrite[][]> {
    return this.#outbox.listWritesForDocs(collection, keys);
  }

  async countWrites(collection?: string): Promise<number> {
    return collection === undefined ? this.#counts.count('pending') : this.#outbox.countWrites(collection);
  }

  async putDeadLetter(letter: DeadLetter): Promise<void> {
    await this.#counts.upsert('deadLetters', letter.id, () => this.#tx.objectStore(STORE_DEAD_LETTERS).put!(letter));
  }

  getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#records.getDeadLetter(id);
  }

  async deleteDeadLetter(id: string): Promise<void> {
    await this.#counts.remove('deadLetters', id);
  }

  listDeadLetters(): Promise<DeadLetter[]> {
    return this.#records.listDeadLetters();
  }

  async countDeadLetters(): Promise<number> {
    return this.#counts.count('deadLetters');
  }

  async putConflict(conflict: ConflictRecord): Promise<void> {
    await this.#counts.upsert('conflicts', conflict.id, () => this.#tx.objectStore(STORE_CONFLICTS).put!(conflict));
  }

  async deleteConflict(id: string): Promise<void> {
    await this.#counts.remove('conflicts', id);
  }

  listConflicts(): Promise<ConflictRecord[]> {
    return this.#records.listConflicts();
  }

  async countConflicts(): Promise<number> {
    return this.#counts.count('conflicts');
  }

  getMeta<T>(key: string, isValid?: (value: unknown) => value is T): Promise<T | undefined> {
    return this.#records.getMeta(key, isValid);
  }

  async quarantine(entry: QuarantineEntry): Promise<void> {
    this.#quarantine.add(entry);
  }

  async listQuarantined(): Promise<QuarantinedRecord[]> {
    return quarantinedList(await this.#tx.objectStore(STORE_META).get(QUARANTINE_META_KEY), this.#stamp);
  }

  async countQuarantined(): Promise<number> {
    return quarantinedCount(await this.#tx.objectStore(STORE_META).get(QUARANTINE_META_KEY));
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await this.#tx.objectStore(STORE_META).put!(value, key);
  }
}
