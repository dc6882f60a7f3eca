import type { StoredCounts } from '../status/sync-status-reducer.ts';
import { isCount } from '../storage/meta-guards.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { DISCARDED_META_KEY } from './dead-letters.ts';

/** Pending writes, dead letters, conflicts, quarantined records and the discard counter, read in one transaction. */
export function readCounts(storage: OutboxStorage): Promise<StoredCounts> {
  return storage.transact('readonly', async (tx) => ({
    pending: await tx.countWrites(),
    deadLetters: await tx.countDeadLetters(),
    conflicts: await tx.countConflicts(),
    quarantined: await tx.countQuarantined(),
    discarded: (await tx.getMeta(DISCARDED_META_KEY, isCount)) ?? 0,
  }));
}
