import { OutboxError } from '../../errors.ts';
import type { ExportFile } from '../../protocol/export-file.ts';
import { type ClientId, randomId, type WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type {
  ClearResult,
  DocChange,
  DocSnapshot,
  ImportReport,
  ListOptions,
  ListPage,
  Unsubscribe,
  WriteOptions,
  WriteReceipt,
} from '../../protocol/outbox-api.ts';
import { enqueueWrites, type RejectedWrite, type WriteRequest } from '../queue/enqueue-writes.ts';
import { GroupCommit, JobFailed } from '../queue/group-commit.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { ChangeFeed } from './change-feed.ts';
import { clearCollection } from './clear-collection.ts';
import type { Collection } from './define-collection.ts';
import { exportData } from './export-data.ts';
import { importData } from './import-data.ts';
import { openStoreMeta } from './open-store-meta.ts';
import { parseExportFile } from './parse-export-file.ts';
import { readDocChanges, readDocChangesNow } from './read-doc-changes.ts';
import { readDoc, readPage } from './read-docs.ts';
import { assertValidKey, parseValue } from './validate-write.ts';
import { checkWriteOptions } from './check-write-options.ts';

export interface LocalStoreOptions {
  readonly storage: OutboxStorage;
  readonly collections: readonly Collection[];
  /** Epoch-ms clock; default `Date`. */
  readonly clock?: { now(): number } | undefined;
  /** 128-bit random ids as 32 hex digits (write ids, the client id); default crypto.getRandomValues. */
  readonly randomId?: (() => string) | undefined;
}

/**
 * The durable local document store: documents plus the outbox of pending writes, over one
 * {@link OutboxStorage}. Every put/delete writes the document and appends its pending write in
 * one transaction; concurrent writes share transactions (group commit). Runs unchanged in a
 * worker, a service worker and Node.
 *
 * @example
 * const store = await LocalStore.open({ storage: createMemoryOutboxStorage(), collections: [prefs] });
 * await store.put('prefs', 'me', { theme: 'dark' });
 */
export class LocalStore {
  readonly clientId: ClientId;
  readonly storage: OutboxStorage;
  readonly #collections: ReadonlyMap<string, Collection>;
  readonly #clock: { now(): number };
  readonly #randomId: () => string;
  readonly #feed = new ChangeFeed();
  readonly #committed = new Set<(count: number) => void>();
  readonly #taps = new Set<(changes: DocChange[]) => void>();
  readonly #watchedElsewhere = new Set<string>();
  readonly #group: GroupCommit<WriteRequest, WriteReceipt>;

  private constructor(options: LocalStoreOptions, collections: ReadonlyMap<string, Collection>, clientId: ClientId) {
    this.storage = options.storage;
    this.clientId = clientId;
    this.#collections = collections;
    this.#clock = options.clock ?? Date;
    this.#randomId = options.randomId ?? (() => randomId());
    this.#group = new GroupCommit((requests) => this.#commit(requests));
  }

  /**
   * Opens the store: reads (or creates) the client id and migrates documents stored under an
   * older schema version, in one transaction. Rejects with `migration-failed` (nothing changed),
   * `invalid-config` (two collections with one name), or a storage code.
   */
  static async open(options: LocalStoreOptions): Promise<LocalStore> {
    const collections = new Map<string, Collection>();
    for (const collection of options.collections) {
      if (collections.has(collection.name)) {
        throw new OutboxError('invalid-config', {
          path: ['collections'],
          issue: `two collections are named '${collection.name}'`,
        });
      }
      collections.set(collection.name, collection);
    }
    const makeId = options.randomId ?? (() => randomId());
    const clientId = await openStoreMeta(options.storage, options.collections, makeId);
    return new LocalStore(options, collections, clientId);
  }

  /** The declared collection `name`; throws `unknown-collection`. */
  collection(name: string): Collection {
    const collection = this.#collections.get(name);
    if (collection === undefined) throw new OutboxError('unknown-collection', { collection: name });
    return collection;
  }

  /**
   * Writes a document and queues the write; resolves after both have committed. `options.id`
   * names the write; `options.replay` marks a journal entry, skipped if it already landed.
   */
  put(collection: string, key: string, value: JsonValue, options?: WriteOptions): Promise<WriteReceipt> {
    try {
      const target = this.collection(collection);
      assertValidKey(key);
      // Parsed now (a copy the caller can no longer change); the size limit is checked in the group.
      return this.#group.submit(this.#request(target, key, 'put', parseValue(target, key, value), undefined, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Removes a document and queues the delete; resolves after both have committed. Options as for {@link put}. */
  delete(collection: string, key: string, options?: WriteOptions): Promise<WriteReceipt> {
    try {
      const target = this.collection(collection);
      assertValidKey(key);
      return this.#group.submit(this.#request(target, key, 'delete', undefined, 0, options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One document with its version and how many of its writes are pending; undefined if absent. */
  async get(collection: string, key: string): Promise<DocSnapshot | undefined> {
    this.collection(collection);
    assertValidKey(key);
    return this.storage.transact('readonly', (tx) => readDoc(tx, collection, key));
  }

  /** One page of a collection in key order. `limit` defaults to 100, at most 1000. */
  async list(collection: string, options: ListOptions = {}): Promise<ListPage> {
    this.collection(collection);
    return this.storage.transact('readonly', (tx) => readPage(tx, collection, options));
  }

  /** Calls `listener` after every committed batch of changes to a collection (or one key of it). */
  watch(collection: string, listener: (changes: DocChange[]) => void, key?: string): Unsubscribe {
    this.collection(collection);
    return this.#feed.watch(collection, listener, key);
  }

  /**
   * Removes every document of a collection. Refuses with `pending-writes` while writes to it are
   * pending, unless `discardPending` — then they are discarded, counted and reported.
   */
  async clear(collection: string, options: { discardPending?: boolean | undefined } = {}): Promise<ClearResult> {
    this.collection(collection);
    await this.#group.whenIdle();
    const { result, changes } = await this.storage.transact('readwrite', (tx) =>
      clearCollection(tx, collection, options.discardPending === true),
    );
    this.#emit(changes);
    return result;
  }

  /** Everything in the database as one plain, versioned JSON document. */
  async exportData(): Promise<ExportFile> {
    await this.#group.whenIdle();
    return exportData(this.storage, [...this.#collections.values()], this.clientId, this.#clock.now());
  }

  /** Validates a whole export file, then applies it in one transaction; or rejects with `import-invalid` and changes nothing. */
  async importData(file: unknown): Promise<ImportReport> {
    const parsed = parseExportFile(file, this.#collections);
    await this.#group.whenIdle();
    const { report, changes } = await this.storage.transact('readwrite', (tx) => importData(tx, parsed, this.clientId));
    this.#emit(changes);
    if (report.pendingWrites > 0) this.#notifyCommitted(report.pendingWrites);
    return report;
  }

  /** For the sync engine and the queue operations: announces changes they committed in their own transactions. */
  emitChanges(changes: DocChange[]): void {
    this.#emit(changes);
  }

  /**
   * Calls `listener` with every batch of changes committed in this context (not those relayed
   * from another): how the outbox service passes them on to other tabs.
   */
  onChanges(listener: (changes: DocChange[]) => void): Unsubscribe {
    this.#taps.add(listener);
    return () => {
      this.#taps.delete(listener);
    };
  }

  /**
   * Delivers changes another context committed to this context's watchers only. The snapshots
   * are read again from storage first: a message from another context can arrive after this
   * context's own later commit, and a watcher must end on the snapshot `get` answers. If the read
   * fails (database closed), the changes are delivered as they came.
   */
  relayChanges(changes: readonly DocChange[]): void {
    const watched = changes.filter((c) => this.#feed.watches(c.collection));
    if (watched.length === 0) return;
    const sources = new Map(watched.map((c) => [`${c.collection}\u0000${c.key}`, c.source]));
    readDocChangesNow(this.storage, watched, 'remote').then(
      (fresh) => this.#feed.emit(fresh.map((c) => ({ ...c, source: sources.get(`${c.collection}\u0000${c.key}`) ?? c.source }))),
      () => this.#feed.emit(watched),
    );
  }

  /** Marks collections as watched in another context, so local writes to them make changes to relay. */
  watchElsewhere(collections: Iterable<string>): void {
    for (const name of collections) this.#watchedElsewhere.add(name);
  }

  /** Calls `listener` with the number of writes after every commit that queued writes (the sync loop kicks a push). */
  onWritesCommitted(listener: (count: number) => void): Unsubscribe {
    this.#committed.add(listener);
    return () => {
      this.#committed.delete(listener);
    };
  }

  /** Waits for queued writes to commit, then closes the storage. */
  async close(): Promise<void> {
    await this.#group.whenIdle();
    this.storage.close();
  }

  #request(
    collection: Collection,
    key: string,
    op: 'put' | 'delete',
    value: JsonValue | undefined,
    size: number | undefined,
    options?: WriteOptions,
  ): WriteRequest {
    if (options === undefined)
      return { collection, key, op, value, size, id: this.#randomId() as WriteId, createdAt: this.#clock.now() };
    const { id, replay } = checkWriteOptions(options);
    return {
      collection,
      key,
      op,
      value,
      size,
      id: id ?? (this.#randomId() as WriteId),
      createdAt: replay?.createdAt ?? this.#clock.now(),
      replay: replay !== undefined,
    };
  }

  async #commit(requests: readonly WriteRequest[]): Promise<(WriteReceipt | JobFailed)[]> {
    let results: (WriteReceipt | RejectedWrite)[];
    let changes: DocChange[];
    try {
      ({ results, changes } = await this.storage.transact('readwrite', async (tx) => {
        const results = await enqueueWrites(tx, this.clientId, requests);
        // Snapshots are read only for collections someone watches: a burst of 10,000 puts nobody watches reads none.
        const watched = new Map<string, boolean>();
        const refs = requests.filter((r, i) => {
          const outcome = results[i];
          if (outcome === undefined || 'rejected' in outcome) return false;
          let watching = watched.get(r.collection.name);
          if (watching === undefined) {
            watching = this.#watches(r.collection.name);
            watched.set(r.collection.name, watching);
          }
          return watching;
        });
        const refsOf = refs.map((r) => ({ collection: r.collection.name, key: r.key }));
        return { results, changes: refs.length === 0 ? [] : await readDocChanges(tx, refsOf, 'local') };
      }));
    } catch (error) {
      if (error instanceof OutboxError && error.code === 'quota-exceeded') {
        throw new OutboxError('quota-exceeded', { ...error.details, count: requests.length }, { cause: error.cause });
      }
      throw error;
    }
    let committed = 0;
    const outcomes = results.map((r) => {
      if ('rejected' in r) return new JobFailed(r.rejected);
      committed += 1;
      return r;
    });
    this.#emit(changes);
    if (committed > 0) this.#notifyCommitted(committed);
    return outcomes;
  }

  #watches(collection: string): boolean {
    return this.#feed.watches(collection) || this.#watchedElsewhere.has(collection);
  }

  #emit(changes: DocChange[]): void {
    if (changes.length === 0) return;
    this.#feed.emit(changes);
    for (const tap of [...this.#taps]) {
      try {
        tap(changes);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #notifyCommitted(count: number): void {
    for (const listener of [...this.#committed]) {
      try {
        listener(count);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
