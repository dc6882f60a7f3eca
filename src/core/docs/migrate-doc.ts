import { OutboxError } from '../../errors.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from './define-collection.ts';
import { parseDocValue } from './parse-doc-value.ts';

/**
 * Brings one document stored under an older schema version up to the collection's version.
 * Throws `migration-failed` naming the key when there is no `migrate`, when it throws, or when
 * its result does not match the schema.
 */
export function migrateDoc(collection: Collection, doc: StoredDoc): StoredDoc {
  const failed = (reason: string, cause?: unknown) =>
    new OutboxError(
      'migration-failed',
      { collection: collection.name, key: doc.key, from: doc.schemaVersion, to: collection.version, reason },
      cause === undefined ? undefined : { cause },
    );
  if (collection.migrate === undefined) throw failed('the collection declares no migrate() function');
  let migrated: unknown;
  try {
    migrated = collection.migrate(doc.value, doc.schemaVersion);
  } catch (error) {
    throw failed(error instanceof Error ? error.message : String(error), error);
  }
  const parsed = parseDocValue(collection.schema, migrated);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw failed(
      `the migrated value does not match the schema at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`,
    );
  }
  return { ...doc, value: parsed.data, schemaVersion: collection.version };
}
