import type { WriteReceipt } from '../../protocol/outbox-api.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import type { WriteRequest } from './enqueue-writes.ts';
import { readAckedIds } from './recent-acked-ids.ts';

/**
 * The replayed journal entries of a group that must not land again, by their place in the
 * group, with the receipt each answers. A replay is skipped when its id is
 * - pending (the original committed before its page went away), or taken by an earlier write of the group;
 * - dead-lettered, or among the recently acknowledged ids (committed, pushed and removed since);
 * - or its document already holds exactly what it would write (e.g. the original was coalesced
 *   into an earlier write of the document, which then carried another id).
 *
 * Reads only for replays; a group without one costs nothing. The receipt's `seq` is the pending
 * write's, or 0 when it is no longer pending.
 */
export async function findReplayed(
  tx: StorageTx,
  requests: readonly WriteRequest[],
): Promise<Map<number, WriteReceipt> | undefined> {
  if (!requests.some((r) => r.replay)) return undefined;
  const acked = new Set(await readAckedIds(tx));
  const earlier = new Set<string>();
  const skipped = new Map<number, WriteReceipt>();
  const checks = requests.map(async (request, i) => {
    const taken = earlier.has(request.id);
    earlier.add(request.id);
    if (!request.replay) return;
    const skip = (seq = 0): void => {
      skipped.set(i, { id: request.id, seq, coalesced: false });
    };
    if (taken || acked.has(request.id)) return skip();
    const [pending, dead, doc] = await Promise.all([
      tx.getWriteById(request.id),
      tx.getDeadLetter(request.id),
      tx.getDoc(request.collection.name, request.key),
    ]);
    if (pending !== undefined) return skip(pending.seq);
    if (dead !== undefined) return skip();
    const holds = request.op === 'delete' ? doc === undefined : doc !== undefined && sameJson(doc.value, request.value);
    if (holds) skip();
  });
  await Promise.all(checks);
  return skipped.size === 0 ? undefined : skipped;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
