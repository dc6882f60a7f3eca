import { z } from 'zod';
import { pendingWriteSchema, RECORD_VERSION } from './pending-write.ts';

/** Why a write ended in the dead-letter store. */
export const deadLetterReasonSchema = z.enum(['rejected', 'too-large', 'retention-expired', 'discarded-by-user', 'conflict']);
export type DeadLetterReason = z.infer<typeof deadLetterReasonSchema>;

/** A write that will not be retried by itself (store `deadLetters`, key `id`). Never deleted except by an explicit discard. */
export const deadLetterSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  /** The write's id. */
  id: pendingWriteSchema.shape.id,
  reason: deadLetterReasonSchema,
  /** Error code (ours or the server's) and its message. */
  code: z.string(),
  message: z.string(),
  deadAt: z.number().int().nonnegative(),
  /** The write as it was when it died. */
  write: pendingWriteSchema,
});
export type DeadLetter = z.infer<typeof deadLetterSchema>;
