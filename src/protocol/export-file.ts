import { z } from 'zod';
import { clientIdSchema } from './ids.ts';
import { deadLetterSchema } from './dead-letter.ts';
import { pendingWriteSchema } from './pending-write.ts';
import { quarantinedRecordSchema } from './quarantined-record.ts';
import { storedDocSchema } from './stored-doc.ts';

/** Version of the export file format; raise it with a converter in the importer. */
export const EXPORT_FILE_VERSION = 1;

/**
 * A whole local database as one JSON document: every document of the declared collections,
 * the pending writes in outbox order, the dead letters, and the quarantined records. Made by `LocalStore.exportData()`,
 * read back (after full validation) by `LocalStore.importData()`.
 */
export const exportFileSchema = z.strictObject({
  format: z.literal('outbox-export'),
  version: z.literal(EXPORT_FILE_VERSION),
  /** Epoch ms when the export was made. */
  exportedAt: z.number().int().nonnegative(),
  /** The client id of the database that was exported. Imported writes take the importing database's id. */
  clientId: clientIdSchema,
  docs: z.array(storedDocSchema),
  pendingWrites: z.array(pendingWriteSchema),
  deadLetters: z.array(deadLetterSchema),
  /** Records set aside in the quarantine, as they were found (absent in files from before it; never imported). */
  quarantined: z.array(quarantinedRecordSchema).optional(),
});
export type ExportFile = z.infer<typeof exportFileSchema>;
