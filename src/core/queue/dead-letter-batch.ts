import type { DeadLetter, DeadLetterReason } from '../../protocol/dead-letter.ts';
import type { ErrorInfo, PendingWrite } from '../../protocol/pending-write.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { deadLetterWrite } from './dead-letter-write.ts';

/**
 * Moves every write of a batch that is still in the outbox to the dead-letter store with one
 * reason and error, in one transaction (a whole batch refused with a 4xx, or one write too large).
 * `errorFor` may give each write its own error.
 */
export function deadLetterBatch(
  storage: OutboxStorage,
  batch: readonly PendingWrite[],
  reason: DeadLetterReason,
  errorFor: (write: PendingWrite) => ErrorInfo,
  now: number,
): Promise<DeadLetter[]> {
  return storage.transact('readwrite', async (tx) => {
    // Every write's chain starts at once (only tx requests awaited along it); letters keep batch order.
    const letters = await Promise.all(
      batch.map(async (claimed) => {
        const write = await tx.getWrite(claimed.seq);
        return write === undefined ? undefined : deadLetterWrite(tx, write, reason, errorFor(write), now);
      }),
    );
    return letters.filter((letter): letter is DeadLetter => letter !== undefined);
  });
}
