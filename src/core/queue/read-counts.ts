import type { StoredCounts } from '../status/sync-status-reducer.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { DISCARDED_META_KEY } from './dead-letters.ts';

/** Pending writes, dead letters, conflicts and the discard counter, read in one transaction. */
export function readCounts(storage: OutboxStorage): Promise<StoredCounts> {
  return storage.transact('readonly', async (tx) => ({
    pending: await tx.countWrites(),
    deadLetters: await tx.countDeadLetters(),
    conflicts: await tx.countConflicts(),
    discarded: (await tx.getMeta<number>(DISCARDED_META_KEY)) ?? 0,
  }));
}
