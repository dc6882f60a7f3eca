import type { DeadLetter, DeadLetterReason } from '../../protocol/dead-letter.ts';
import { type ErrorInfo, type PendingWrite, RECORD_VERSION } from '../../protocol/pending-write.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';

/**
 * Moves one write from the outbox to the dead-letter store inside `tx`. The write is
 * kept whole (lease cleared) so it can be retried or edited later; it is never just deleted.
 */
export async function deadLetterWrite(
  tx: StorageTx,
  write: PendingWrite,
  reason: DeadLetterReason,
  error: ErrorInfo,
  now: number,
): Promise<DeadLetter> {
  const letter: DeadLetter = {
    v: RECORD_VERSION,
    id: write.id,
    reason,
    code: error.code,
    message: error.message,
    deadAt: now,
    write: { ...write, leaseUntil: null },
  };
  await tx.deleteWrite(write.seq);
  await tx.putDeadLetter(letter);
  return letter;
}
