import { type DBSchema, type IDBPDatabase, type IDBPTransaction, wrap } from 'idb';
import { OutboxError } from '../../errors.ts';
import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { mapStorageError } from './map-storage-error.ts';
import type { OutboxStorage, StorageTx } from './outbox-storage.ts';
import { COUNTS_META_KEY, type CountableStore, type CountName, EMPTY_COUNTS, TxCounts } from './store-counts.ts';

/** Schema version of the database. Raise it together with a step in {@link upgradeDb}. */
export const DB_VERSION = 1;

export const STORE_DOCS = 'docs';
export const STORE_OUTBOX = 'outbox';
export const STORE_DEAD_LETTERS = 'deadLetters';
export const STORE_CONFLICTS = 'conflicts';
export const STORE_META = 'meta';

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
  docs: { key: [string, string]; value: StoredDoc };
  outbox: {
    key: number;
    value: PendingWrite;
    indexes: { 'by-id': string; 'by-doc': [string, string] };
  };
  deadLetters: { key: string; value: DeadLetter; indexes: { 'by-deadAt': number } };
  conflicts: { key: string; value: ConflictRecord; indexes: { 'by-at': number } };
  meta: { key: string; value: unknown };
}

type Db = IDBPDatabase<OutboxDb>;
type StoreName = 'docs' | 'outbox' | 'deadLetters' | 'conflicts' | 'meta';
type Tx = IDBPTransaction<OutboxDb, StoreName[], IDBTransactionMode>;

const ALL_STORES: StoreName[] = [STORE_DOCS, STORE_OUTBOX, STORE_DEAD_LETTERS, STORE_CONFLICTS, STORE_META];

function upgradeDb(db: Db, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(STORE_DOCS, { keyPath: ['collection', 'key'] });
    const outbox = db.createObjectStore(STORE_OUTBOX, { keyPath: 'seq', autoIncrement: true });
    outbox.createIndex('by-id', 'id', { unique: true });
    outbox.createIndex('by-doc', ['collection', 'key']);
    db.createObjectStore(STORE_DEAD_LETTERS, { keyPath: 'id' }).createIndex('by-deadAt', 'deadAt');
    db.createObjectStore(STORE_CONFLICTS, { keyPath: 'id' }).createIndex('by-at', 'at');
    // Exact counts kept up to date by every transaction (store-counts.ts): reading them is O(1).
    db.createObjectStore(STORE_META).put!(EMPTY_COUNTS, COUNTS_META_KEY);
  }
}

/** The key range of every document of one collection: [collection, after) … [collection, []) (arrays sort after strings). */
function docRange(collection: string, after?: string | undefined): IDBKeyRange {
  return after === undefined
    ? IDBKeyRange.bound([collection, ''], [collection, []])
    : IDBKeyRange.bound([collection, after], [collection, []], true);
}

export interface IdbOutboxStorageOptions {
  /**
   * The IndexedDB factory; default `globalThis.indexedDB`. In Node pass fake-indexeddb's, after
   * importing 'fake-indexeddb/auto': idb also needs the IDB* classes and IDBKeyRange as globals.
   */
  readonly indexedDB?: IDBFactory | undefined;
  /** Durability of readwrite transactions; default {@link WRITE_DURABILITY}. */
  readonly durability?: IDBTransactionDurability | undefined;
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
  return new IdbOutboxStorage(db, name, options.durability ?? WRITE_DURABILITY);
}

async function openWithFactory(factory: IDBFactory, name: string): Promise<Db> {
  try {
    const request = factory.open(name, DB_VERSION);
    request.onupgradeneeded = (event) => upgradeDb(wrap(request.result) as unknown as Db, event.oldVersion);
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
  #closed = false;

  constructor(db: Db, name: string, durability: IDBTransactionDurability) {
    this.name = name;
    this.#db = db;
    this.#durability = durability;
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
    try {
      const storageTx = new IdbStorageTx(tx);
      result = await fn(storageTx);
      if (mode === 'readwrite') await storageTx.writeCounts();
    } catch (error) {
      abortQuietly(tx);
      const platformError = await done;
      // A request that failed aborts the transaction on its own: prefer its error (e.g. QuotaExceededError).
      throw mapStorageError(isAbortError(error) && platformError !== undefined ? platformError : error, context);
    }
    const failure = await done;
    if (failure !== undefined) throw mapStorageError(failure, context);
    return result;
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

/** Every write of a document of one collection, through the by-doc index: [collection] … [collection, []]. */
function collectionRange(collection: string): IDBKeyRange {
  return IDBKeyRange.bound([collection], [collection, []]);
}

const COUNTED: Record<CountName, 'outbox' | 'deadLetters' | 'conflicts'> = {
  pending: STORE_OUTBOX,
  deadLetters: STORE_DEAD_LETTERS,
  conflicts: STORE_CONFLICTS,
};

/** The {@link StorageTx} over one IndexedDB transaction spanning every store. */
class IdbStorageTx implements StorageTx {
  readonly #tx: Tx;
  readonly #counts: TxCounts;

  constructor(tx: Tx) {
    this.#tx = tx;
    const meta = tx.objectStore(STORE_META);
    this.#counts = new TxCounts((name) => tx.objectStore(COUNTED[name]) as unknown as CountableStore, {
      get: () => meta.get(COUNTS_META_KEY),
      put: (counts) => meta.put!(counts, COUNTS_META_KEY),
    });
  }

  async getDoc(collection: string, key: string): Promise<StoredDoc | undefined> {
    return this.#tx.objectStore(STORE_DOCS).get([collection, key]);
  }

  async putDoc(doc: StoredDoc): Promise<void> {
    await this.#tx.objectStore(STORE_DOCS).put!(doc);
  }

  async deleteDoc(collection: string, key: string): Promise<void> {
    await this.#tx.objectStore(STORE_DOCS).delete!([collection, key]);
  }

  async listDocs(collection: string, after: string | undefined, limit: number): Promise<StoredDoc[]> {
    if (limit <= 0) return [];
    return this.#tx.objectStore(STORE_DOCS).getAll(docRange(collection, after), limit);
  }

  /** Writes this transaction's count changes onto the stored counts; called after `fn`, still inside the transaction. */
  writeCounts(): Promise<void> {
    return this.#counts.write();
  }

  async countDocs(collection: string): Promise<number> {
    return this.#tx.objectStore(STORE_DOCS).count(docRange(collection));
  }

  async clearDocs(collection: string): Promise<number> {
    const store = this.#tx.objectStore(STORE_DOCS);
    const count = await store.count(docRange(collection));
    await store.delete!(docRange(collection));
    return count;
  }

  async addWrite(write: Omit<PendingWrite, 'seq'>): Promise<number> {
    // The key generator fills in `seq` (keyPath + autoIncrement); the record then carries it.
    // A record that still carries a `seq` (e.g. copied from a dead letter) would reuse that key:
    // drop it, so an appended write always gets a new, higher sequence.
    const { seq: _ignored, ...fresh } = write as PendingWrite;
    const seq = this.#tx.objectStore(STORE_OUTBOX).add!(fresh as PendingWrite);
    await this.#counts.added('pending', seq);
    return seq;
  }

  async putWrite(write: PendingWrite): Promise<void> {
    await this.#counts.upsert('pending', write.seq, () => this.#tx.objectStore(STORE_OUTBOX).put!(write));
  }

  async getWrite(seq: number): Promise<PendingWrite | undefined> {
    return this.#tx.objectStore(STORE_OUTBOX).get(seq);
  }

  async getWriteById(id: string): Promise<PendingWrite | undefined> {
    return this.#tx.objectStore(STORE_OUTBOX).index('by-id').get(id);
  }

  async deleteWrite(seq: number): Promise<void> {
    await this.#counts.remove('pending', seq);
  }

  async listWrites(afterSeq: number, limit: number): Promise<PendingWrite[]> {
    if (limit <= 0) return [];
    return this.#tx.objectStore(STORE_OUTBOX).getAll(IDBKeyRange.lowerBound(afterSeq, true), limit);
  }

  async listWritesForDoc(collection: string, key: string): Promise<PendingWrite[]> {
    return this.#tx.objectStore(STORE_OUTBOX).index('by-doc').getAll([collection, key]);
  }

  async countWrites(collection?: string): Promise<number> {
    if (collection === undefined) return this.#counts.count('pending');
    return this.#tx.objectStore(STORE_OUTBOX).index('by-doc').count(collectionRange(collection));
  }

  async putDeadLetter(letter: DeadLetter): Promise<void> {
    await this.#counts.upsert('deadLetters', letter.id, () => this.#tx.objectStore(STORE_DEAD_LETTERS).put!(letter));
  }

  async getDeadLetter(id: string): Promise<DeadLetter | undefined> {
    return this.#tx.objectStore(STORE_DEAD_LETTERS).get(id);
  }

  async deleteDeadLetter(id: string): Promise<void> {
    await this.#counts.remove('deadLetters', id);
  }

  async listDeadLetters(): Promise<DeadLetter[]> {
    return this.#tx.objectStore(STORE_DEAD_LETTERS).index('by-deadAt').getAll();
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

  async listConflicts(): Promise<ConflictRecord[]> {
    return this.#tx.objectStore(STORE_CONFLICTS).index('by-at').getAll();
  }

  async countConflicts(): Promise<number> {
    return this.#counts.count('conflicts');
  }

  async getMeta<T>(key: string): Promise<T | undefined> {
    return (await this.#tx.objectStore(STORE_META).get(key)) as T | undefined;
  }

  async putMeta(key: string, value: unknown): Promise<void> {
    await this.#tx.objectStore(STORE_META).put!(value, key);
  }
}
