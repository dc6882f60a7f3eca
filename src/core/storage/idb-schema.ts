import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { OUTBOX_STATE_META_KEY, type OutboxChunk, type OutboxState, toChunks } from './outbox-chunk.ts';
import { COUNTS_META_KEY, EMPTY_COUNTS } from './store-counts.ts';

/**
 * Schema version of the database. Raise it together with a step in {@link upgradeSchema}.
 * - 1: `outbox` held one record per pending write (auto-increment `seq`, indexes `by-id` and `by-doc`).
 * - 2: `outbox` holds chunks of writes keyed by `firstSeq` (outbox-chunk.ts); seqs come from meta.
 * - 3: `docs` and `outbox` use out-of-line keys ({@link docId} and `firstSeq`): a store with a key
 *   path makes Chromium deserialise a copy of every value put, to read its key from, and one string key
 *   costs less to make and to compare than an array of two. A document put with
 *   its pending write may hold `valueSeq` instead of `value` (doc-value-links.ts); the version also keeps
 *   older code, which would read such a document as valueless, out.
 */
export const DB_VERSION = 3;

export const STORE_DOCS = 'docs';
export const STORE_OUTBOX = 'outbox';
export const STORE_DEAD_LETTERS = 'deadLetters';
export const STORE_CONFLICTS = 'conflicts';
export const STORE_META = 'meta';

/**
 * The key of a document in `docs`: `<collection>/<key>`, e.g. `prefs/me`. Collection names have no
 * `/` (ids.ts), so the first `/` ends the collection, and a collection's documents are the keys
 * from `<collection>/` up to {@link collectionEnd}, in key order.
 */
export const docId = (collection: string, key: string): string => `${collection}/${key}`;

/** Just past the last key of a collection's documents: `0` is the character after `/`. */
export const collectionEnd = (collection: string): string => `${collection}0`;

/** The state of an outbox that never held a write. */
const FIRST_STATE: OutboxState = { nextSeq: 1, token: 'created' };

/**
 * Creates or upgrades the stores inside the `versionchange` transaction. Plain IndexedDB calls
 * with callbacks, chained so the upgrade transaction stays active until the last step.
 */
export function upgradeSchema(db: IDBDatabase, tx: IDBTransaction, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore(STORE_DOCS);
    db.createObjectStore(STORE_OUTBOX);
    db.createObjectStore(STORE_DEAD_LETTERS, { keyPath: 'id' }).createIndex('by-deadAt', 'deadAt');
    db.createObjectStore(STORE_CONFLICTS, { keyPath: 'id' }).createIndex('by-at', 'at');
    // Exact counts kept up to date by every transaction (store-counts.ts): reading them is O(1).
    const meta = db.createObjectStore(STORE_META);
    meta.put(EMPTY_COUNTS, COUNTS_META_KEY);
    meta.put(FIRST_STATE, OUTBOX_STATE_META_KEY);
    return;
  }
  if (oldVersion < 2) chunkTheOutbox(db, tx);
  else if (oldVersion < 3) rekey(db, tx, STORE_OUTBOX, (chunk) => (chunk as OutboxChunk).firstSeq);
  if (oldVersion < 3) rekey(db, tx, STORE_DOCS, (doc) => docId((doc as StoredDoc).collection, (doc as StoredDoc).key));
}

/** Recreates a store that had a key path with out-of-line keys: every record kept, under the key `keyOf` gives it. */
function rekey(db: IDBDatabase, tx: IDBTransaction, name: string, keyOf: (record: unknown) => IDBValidKey): void {
  const all = tx.objectStore(name).getAll();
  all.onsuccess = () => {
    db.deleteObjectStore(name);
    const store = db.createObjectStore(name);
    for (const record of all.result) store.put(record, keyOf(record));
  };
}

/**
 * Version 1 → 2: reads every pending write, asks the old key generator for its next seq (one
 * throwaway add), then recreates `outbox` as chunks with the same seqs, so nothing is sent again
 * or twice and no seq is ever reused.
 */
function chunkTheOutbox(db: IDBDatabase, tx: IDBTransaction): void {
  const old = tx.objectStore(STORE_OUTBOX);
  const all = old.getAll();
  all.onsuccess = () => {
    const writes = all.result as PendingWrite[];
    const probe = old.add({});
    probe.onsuccess = () => {
      db.deleteObjectStore(STORE_OUTBOX);
      const outbox = db.createObjectStore(STORE_OUTBOX);
      for (const chunk of toChunks(writes)) outbox.put(chunk, chunk.firstSeq);
      const state: OutboxState = { nextSeq: probe.result as number, token: 'upgraded' };
      tx.objectStore(STORE_META).put(state, OUTBOX_STATE_META_KEY);
    };
  };
}
