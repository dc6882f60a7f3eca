import { z } from 'zod';
import { RECORD_VERSION } from './pending-write.ts';

/** Where a quarantined record came from: a store of the local database, or a pulled page (`pull`). */
export const quarantineSourceSchema = z.enum(['docs', 'outbox', 'deadLetters', 'conflicts', 'meta', 'pull']);
export type QuarantineSource = z.infer<typeof quarantineSourceSchema>;

/**
 * Why it was set aside: `record-quarantined` (read back from IndexedDB in a shape this code does
 * not store) or `pulled-doc-invalid` (a pulled document that neither validates nor migrates).
 */
export const quarantineCodeSchema = z.enum(['record-quarantined', 'pulled-doc-invalid']);
export type QuarantineCode = z.infer<typeof quarantineCodeSchema>;

/**
 * A record set aside instead of stalling everything else (kept in meta under `quarantine`, listed
 * in status, DevTools and exports). `raw` is the record exactly as it was read (or pulled), so
 * nothing is lost: export it, repair it, and write it again through the API.
 */
export const quarantinedRecordSchema = z.strictObject({
  v: z.literal(RECORD_VERSION),
  id: z.string(),
  code: quarantineCodeSchema,
  store: quarantineSourceSchema,
  /** Its key in that store (a chunk's `firstSeq` for the outbox; `<collection>/<key>` for documents). */
  key: z.union([z.string(), z.number()]),
  /** What is wrong with it, for people. */
  reason: z.string(),
  raw: z.unknown(),
  /** Epoch ms when it was set aside. */
  at: z.number(),
});
export type QuarantinedRecord = z.infer<typeof quarantinedRecordSchema>;
