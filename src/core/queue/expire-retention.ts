import { OutboxError } from '../../errors.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';
import { deadLetterWrite } from './dead-letter-write.ts';

/** Default time a write may keep failing transiently before it becomes a dead letter: 7 days, in milliseconds. */
export const DEFAULT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

const PAGE = 200;

/**
 * Moves writes that have kept failing for `retentionMs` or longer (since `firstFailedAt`)
 * to the dead-letter store with reason `retention-expired`, in one transaction.
 * Writes under a valid lease (a push in flight) are left alone. Returns the new dead letters.
 */
export function expireRetention(storage: OutboxStorage, now: number, retentionMs: number): Promise<DeadLetter[]> {
  return storage.transact('readwrite', async (tx) => {
    const expired: DeadLetter[] = [];
    let afterSeq = 0;
    for (;;) {
      const page = await tx.listWrites(afterSeq, PAGE);
      for (const write of page) {
        const leased = write.leaseUntil !== null && write.leaseUntil > now;
        if (leased || write.firstFailedAt === null || now - write.firstFailedAt < retentionMs) continue;
        const error = new OutboxError('retention-expired', { writeId: write.id, retentionMs });
        expired.push(await deadLetterWrite(tx, write, 'retention-expired', { code: error.code, message: error.message }, now));
      }
      const last = page.at(-1);
      if (page.length < PAGE || last === undefined) return expired;
      afterSeq = last.seq;
    }
  });
}
