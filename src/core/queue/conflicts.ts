import { OutboxError } from '../../errors.ts';
import type { ConflictRecord } from '../../protocol/conflict-record.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';

/** Every recorded conflict not yet dismissed, oldest first. */
export function listConflicts(storage: OutboxStorage): Promise<ConflictRecord[]> {
  return storage.transact('readonly', (tx) => tx.listConflicts());
}

/**
 * Forgets a recorded conflict (the decision it records stays in effect).
 * @throws OutboxError `not-found`.
 */
export function dismissConflict(storage: OutboxStorage, id: string): Promise<void> {
  return storage.transact('readwrite', async (tx) => {
    const known = (await tx.listConflicts()).some((c) => c.id === id);
    if (!known) throw new OutboxError('not-found', { kind: 'conflict', id });
    await tx.deleteConflict(id);
  });
}
