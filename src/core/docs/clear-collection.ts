import { OutboxError } from '../../errors.ts';
import type { ClearResult, DocChange } from '../../protocol/outbox-api.ts';
import { isCount } from '../storage/meta-guards.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import { docChange } from './read-doc-changes.ts';

/** Meta key: how many pending writes were discarded on purpose since the database was created. */
export const META_DISCARDED = 'discarded';
const PAGE = 500;

/**
 * Removes every document of a collection inside the caller's transaction. Refuses with
 * `pending-writes` while writes to it are pending, unless `discardPending`: then those writes
 * are deleted too, and counted under the meta key {@link META_DISCARDED}.
 */
export async function clearCollection(
  tx: StorageTx,
  collection: string,
  discardPending: boolean,
): Promise<{ result: ClearResult; changes: DocChange[] }> {
  const pending = await tx.countWrites(collection);
  if (pending > 0 && !discardPending) throw new OutboxError('pending-writes', { collection, count: pending });
  const discarded = pending > 0 ? await discardWrites(tx, collection) : 0;
  if (discarded > 0) await tx.putMeta(META_DISCARDED, ((await tx.getMeta(META_DISCARDED, isCount)) ?? 0) + discarded);
  const keys = await listKeys(tx, collection);
  const removed = await tx.clearDocs(collection);
  const changes = keys.map((key) => docChange({ collection, key }, undefined, 0, 'local'));
  return { result: { removed, discarded }, changes };
}

async function discardWrites(tx: StorageTx, collection: string): Promise<number> {
  let discarded = 0;
  let afterSeq = 0;
  // Bounded: each page moves afterSeq forward through the finite outbox.
  for (;;) {
    const page = await tx.listWrites(afterSeq, PAGE);
    const mine = page.filter((w) => w.collection === collection);
    await Promise.all(mine.map((w) => tx.deleteWrite(w.seq)));
    discarded += mine.length;
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) return discarded;
    afterSeq = last.seq;
  }
}

async function listKeys(tx: StorageTx, collection: string): Promise<string[]> {
  const keys: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await tx.listDocs(collection, after, PAGE);
    for (const doc of page) keys.push(doc.key);
    if (page.length < PAGE) return keys;
    after = page[page.length - 1]?.key;
  }
}
