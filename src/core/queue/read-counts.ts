import type { StoredCounts } from '../status/sync-status-reducer.ts';
import { isCount } from '../storage/meta-guards.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { DISCARDED_META_KEY } from './dead-letters.ts';

/** Pending writes, dead letters, conflicts, quarantined records and the discard counter, read in one transaction. */
export function readCounts(storage: OutboxStorage): Promise<StoredCounts> {
  return storage.transact('readonly', async (tx) => {
    // All at once: one round of requests, not five in turn.
    const [pending, deadLetters, conflicts, quarantined, discarded] = await Promise.all([
      tx.countWrites(),
      tx.countDeadLetters(),
      tx.countConflicts(),
      tx.countQuarantined(),
      tx.getMeta(DISCARDED_META_KEY, isCount),
    ]);
    return { pending, deadLetters, conflicts, quarantined, discarded: discarded ?? 0 };
  });
}
