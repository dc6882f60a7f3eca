import type { ErrorInfo, PendingWrite } from '../../protocol/pending-write.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';

/**
 * Gives claimed writes back after a push that failed transiently, in one transaction:
 * clears the lease, records the error, and stamps `firstFailedAt` (kept from the first
 * failure, as it drives the retention limit). Writes no longer in the outbox are skipped.
 */
export function releaseBatch(
  storage: OutboxStorage,
  batch: readonly PendingWrite[],
  error: ErrorInfo | null,
  now: number,
): Promise<void> {
  return storage.transact('readwrite', async (tx) => {
    // Every write's read-then-put chain starts at once (only tx requests awaited along it), so the
    // batch costs two round trips, not two per write.
    await Promise.all(
      batch.map(async (claimed) => {
        const write = await tx.getWrite(claimed.seq);
        if (write === undefined) return;
        await tx.putWrite({
          ...write,
          leaseUntil: null,
          lastError: error ?? write.lastError,
          firstFailedAt: error === null ? write.firstFailedAt : (write.firstFailedAt ?? now),
        });
      }),
    );
  });
}
