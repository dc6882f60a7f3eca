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
    const letters: DeadLetter[] = [];
    for (const claimed of batch) {
      const write = await tx.getWrite(claimed.seq);
      if (write !== undefined) letters.push(await deadLetterWrite(tx, write, reason, errorFor(write), now));
    }
    return letters;
  });
}
