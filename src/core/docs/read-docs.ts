import { OutboxError } from '../../errors.ts';
import type { DocSnapshot, ListOptions, ListPage } from '../../protocol/outbox-api.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

async function snapshot(tx: StorageTx, doc: StoredDoc): Promise<DocSnapshot> {
  const writes = await tx.listWritesForDoc(doc.collection, doc.key);
  return { key: doc.key, value: doc.value, version: doc.version, pendingWrites: writes.length };
}

/** One document as a {@link DocSnapshot}, or undefined. */
export async function readDoc(tx: StorageTx, collection: string, key: string): Promise<DocSnapshot | undefined> {
  const doc = await tx.getDoc(collection, key);
  return doc === undefined ? undefined : snapshot(tx, doc);
}

/** One page of a collection in key order; `next` is null on the last page. Throws `invalid-config` for a bad limit. */
export async function readPage(tx: StorageTx, collection: string, options: ListOptions): Promise<ListPage> {
  const limit = options.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new OutboxError('invalid-config', { path: ['limit'], issue: `must be an integer from 1 to ${MAX_LIST_LIMIT}` });
  }
  // One more than asked tells whether another page follows.
  const docs = await tx.listDocs(collection, options.after, limit + 1);
  const items = await Promise.all(docs.slice(0, limit).map((doc) => snapshot(tx, doc)));
  const last = items[items.length - 1];
  return { items, next: docs.length > limit && last !== undefined ? last.key : null };
}
