import { z } from 'zod';
import { clientIdSchema, collectionNameSchema, docKeySchema, writeIdSchema } from './ids.ts';
import { jsonValueSchema } from './json-value.ts';

/** Version tag of stored records; bump with a migration in the storage layer. */
export const RECORD_VERSION = 1;

export const writeOpSchema = z.enum(['put', 'delete']);
export type WriteOp = z.infer<typeof writeOpSchema>;

export const errorInfoSchema = z.object({ code: z.string(), message: z.string() });
/** An error as plain data: what status snapshots, dead letters and the wire carry. */
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/**
 * One write waiting in the outbox. Stored as-is in IndexedDB (store `outbox`, inside the chunk
 * records `{ firstSeq, writes }`), so a developer reading DevTools → Application → IndexedDB sees this.
 */
export const pendingWriteSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  /** Outbox order; increasing, never reused. Also the per-client sequence sent to the server. */
  seq: z.number().int().positive(),
  /** Idempotency key. */
  id: writeIdSchema,
  clientId: clientIdSchema,
  collection: collectionNameSchema,
  key: docKeySchema,
  op: writeOpSchema,
  /** The new document for `put`; absent for `delete`. */
  value: jsonValueSchema.optional(),
  /** Server version of the document this write was based on; null when the document was not known to exist on the server. */
  baseVersion: z.number().int().nonnegative().nullable(),
  /** Epoch ms when the write was made (used by last-writer-wins). */
  createdAt: z.number().int().nonnegative(),
  /** Size of the JSON-encoded value in bytes. */
  size: z.number().int().nonnegative(),
  /** Push attempts so far. */
  attempts: z.number().int().nonnegative(),
  /** Epoch ms until which a runner has claimed this write for a push in flight; null when not claimed. */
  leaseUntil: z.number().int().nullable(),
  /** Epoch ms of the first failed attempt; drives the retention limit. */
  firstFailedAt: z.number().int().nullable(),
  lastError: errorInfoSchema.nullable(),
});
export type PendingWrite = z.infer<typeof pendingWriteSchema>;
