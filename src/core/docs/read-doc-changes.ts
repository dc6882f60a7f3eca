import type { DocChange } from '../../protocol/outbox-api.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';

/** A document named by collection and key. */
export interface DocRef {
  readonly collection: string;
  readonly key: string;
}

/** The change that announces a document's snapshot as it stands: absent is a delete. */
export function docChange(
  ref: DocRef,
  doc: StoredDoc | undefined,
  pendingWrites: number,
  source: DocChange['source'],
): DocChange {
  const { collection, key } = ref;
  if (doc === undefined) return { collection, key, op: 'delete', value: undefined, version: null, pendingWrites, source };
  return { collection, key, op: 'put', value: doc.value, version: doc.version, pendingWrites, source };
}

/**
 * Reads, inside `tx`, the current snapshot of each distinct document of `refs` as a change
 * (one per document, in first-seen order): two requests per collection, issued together.
 */
export async function readDocChanges(tx: StorageTx, refs: Iterable<DocRef>, source: DocChange['source']): Promise<DocChange[]> {
  const byCollection = new Map<string, Set<string>>();
  for (const { collection, key } of refs) {
    const keys = byCollection.get(collection);
    if (keys === undefined) byCollection.set(collection, new Set([key]));
    else keys.add(key);
  }
  const perCollection = await Promise.all(
    [...byCollection].map(async ([collection, set]) => {
      const keys = [...set];
      const [docs, writes] = await Promise.all([tx.getDocs(collection, keys), tx.listWritesForDocs(collection, keys)]);
      return keys.map((key, i) => docChange({ collection, key }, docs[i], writes[i]?.length ?? 0, source));
    }),
  );
  return perCollection.flat();
}

/** {@link readDocChanges} in a readonly transaction of its own (after a commit made elsewhere). */
export function readDocChangesNow(
  storage: OutboxStorage,
  refs: Iterable<DocRef>,
  source: DocChange['source'],
): Promise<DocChange[]> {
  return storage.transact('readonly', (tx) => readDocChanges(tx, refs, source));
}
