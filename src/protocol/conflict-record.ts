import { z } from 'zod';
import { collectionNameSchema, docKeySchema, randomId } from './ids.ts';
import { jsonValueSchema } from './json-value.ts';
import { RECORD_VERSION } from './pending-write.ts';

export const conflictPolicyNameSchema = z.enum(['server-wins', 'client-wins', 'last-writer-wins', 'merge']);
export type ConflictPolicyName = z.infer<typeof conflictPolicyNameSchema>;

/** What a conflict policy decided. */
export const conflictDecisionSchema = z.enum(['server-won', 'client-won', 'merged']);
export type ConflictDecision = z.infer<typeof conflictDecisionSchema>;

/** A recorded conflict (store `conflicts`, key `id`): kept until the app dismisses it. */
export const conflictRecordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  id: z.string(),
  collection: collectionNameSchema,
  key: docKeySchema,
  policy: conflictPolicyNameSchema,
  decision: conflictDecisionSchema,
  /** The local write's value (null for a delete). */
  local: jsonValueSchema.nullable(),
  /** The server's value (null when deleted on the server). */
  remote: jsonValueSchema.nullable(),
  remoteVersion: z.number().int().nonnegative(),
  /** The value the document holds after the decision (null when deleted). */
  result: jsonValueSchema.nullable(),
  writeId: z.string(),
  at: z.number().int().nonnegative(),
});
export type ConflictRecord = z.infer<typeof conflictRecordSchema>;

export const newConflictId = (): string => randomId();
