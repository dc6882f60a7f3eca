import { z } from 'zod';
import { collectionNameSchema, docKeySchema } from './ids.ts';
import { jsonValueSchema } from './json-value.ts';

/** A document in the local store (IndexedDB store `docs`, key `<collection>/<key>`; see doc-value-links.ts for how a pending value is stored). Deleted documents are removed. */
export const storedDocSchema = z.strictObject({
  collection: collectionNameSchema,
  key: docKeySchema,
  value: jsonValueSchema,
  /** Last server version known for this document (from an ack or a pull); null if never synced. */
  version: z.number().int().nonnegative().nullable(),
  /** The collection schema version the value conforms to (for migrations). */
  schemaVersion: z.number().int().positive(),
  /** Epoch ms of the last local or remote change. */
  updatedAt: z.number().int().nonnegative(),
});
export type StoredDoc = z.infer<typeof storedDocSchema>;
