import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { DocRecord } from './doc-value-links.ts';
import { OUTBOX_STATE_META_KEY, type OutboxChunk, type OutboxState, toChunks } from './outbox-chunk.ts';
import { COUNTS_META_KEY, EMPTY_COUNTS } from './store-counts.ts';
import { toStoredWrite } from './stored-write.ts';

/**
 * Schema version of the database. Raise it together with a step in {@link upgradeSchema}.
 * - 1: `outbox` held one record per pending write (auto-increment `seq`, indexes `by-id` and `by-doc`).
 * - 2: `outbox` holds chunks of writes keyed by `firstSeq` (outbox-chunk.ts); seqs come from meta.
 * - 3: `docs` and `outbox` use out-of-line keys ({@link docId} and `firstSeq`): a store with a key
 *   path makes Chromium deserialise a copy of every value put, to read its key from, and one string key
 *   costs less to make and to compare than an array of two. A document put with
 *   its pending write may hold `valueSeq` instead of `value` (doc-value-links.ts); the version also keeps
 *   older code, which would read such a document as valueless, out.
 * - 4: records leave out what their key or chunk already says: a `docs` record has no `collection`
 *   and `key` (doc-value-links.ts), and the writes in an `outbox` chunk are {@link import('./stored-write.ts').StoredWrite}s,
 *   with the chunk's `clientId` and without `v` or a new write's default fields. Chromium stores
 *   every field name of every record, and these were a third of the bytes a queued write cost.
 */
export const DB_VERSION = 4;

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
  // Versions 1 to 3 hold full records: the outbox's chunks of PendingWrites, documents with their collection and key.
  const chunk = (old: unknown) => compactChunk(old as OldChunk);
  const doc = (old: unknown) => compactDoc(old as OldDoc);
  if (oldVersion < 2) chunkTheOutbox(db, tx);
  else if (oldVersion < 3) rekey(db, tx, STORE_OUTBOX, (old) => (old as OldChunk).firstSeq, chunk);
  else if (oldVersion < 4) rewrite(tx, STORE_OUTBOX, chunk);
  if (oldVersion < 3) rekey(db, tx, STORE_DOCS, (old) => docId((old as OldDoc).collection, (old as OldDoc).key), doc);
  else if (oldVersion < 4) rewrite(tx, STORE_DOCS, doc);
}

/** A chunk as versions 2 and 3 stored it. */
interface OldChunk {
  readonly firstSeq: number;
  readonly writes: PendingWrite[];
}

/** A document as versions 1 to 3 stored it (version 3: `valueSeq` instead of `value` while its put was pending). */
type OldDoc = Omit<StoredDoc, 'value'> & { readonly value?: StoredDoc['value']; readonly valueSeq?: number };

/** The chunk keeps its `firstSeq` (its key), which may be below its first write's seq once that write went. */
function compactChunk(old: OldChunk): OutboxChunk {
  const clientId = old.writes[0]?.clientId ?? '';
  return { firstSeq: old.firstSeq, clientId, writes: old.writes.map((w) => toStoredWrite(w, w.seq, clientId)) };
}

function compactDoc(old: OldDoc): DocRecord {
  const { version, schemaVersion, updatedAt } = old;
  if (old.valueSeq !== undefined) return { version, schemaVersion, updatedAt, valueSeq: old.valueSeq };
  return { value: old.value as StoredDoc['value'], version, schemaVersion, updatedAt };
}

/** Recreates a store that had a key path with out-of-line keys: every record kept, as `convert` makes it, under the key `keyOf` gives it. */
function rekey(
  db: IDBDatabase,
  tx: IDBTransaction,
  name: string,
  keyOf: (record: unknown) => IDBValidKey,
  convert: (record: unknown) => unknown,
): void {
  const all = tx.objectStore(name).getAll();
  all.onsuccess = () => {
    db.deleteObjectStore(name);
    const store = db.createObjectStore(name);
    for (const record of all.result) store.put(convert(record), keyOf(record));
  };
}

/** Rewrites every record of a store with out-of-line keys as `convert` makes it, under its key. */
function rewrite(tx: IDBTransaction, name: string, convert: (record: unknown) => unknown): void {
  const store = tx.objectStore(name);
  const keys = store.getAllKeys();
  const all = store.getAll();
  all.onsuccess = () => {
    for (const [i, record] of all.result.entries()) store.put(convert(record), keys.result[i] as IDBValidKey);
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
