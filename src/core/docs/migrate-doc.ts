import { OutboxError } from '../../errors.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from './define-collection.ts';
import { parseDocValue } from './parse-doc-value.ts';

/**
 * Brings one document stored under an older schema version up to the collection's version.
 * Throws `migration-failed` naming the key when there is no `migrate`, when it throws, or when
 * its result does not match the schema.
 */
export function migrateDoc(collection: Collection, doc: StoredDoc): StoredDoc {
  return { ...doc, value: migrateValue(collection, doc.key, doc.value, doc.schemaVersion), schemaVersion: collection.version };
}

/**
 * Brings a value of document `key` written under schema version `from` up to the collection's
 * version (documents, pending writes, dead letters, pulled documents), validated against the
 * schema. Throws `migration-failed` as {@link migrateDoc} does.
 */
export function migrateValue(collection: Collection, key: string, value: JsonValue, from: number): JsonValue {
  const failed = (reason: string, cause?: unknown) =>
    new OutboxError(
      'migration-failed',
      { collection: collection.name, key, from, to: collection.version, reason },
      cause === undefined ? undefined : { cause },
    );
  if (collection.migrate === undefined) throw failed('the collection declares no migrate() function');
  let migrated: unknown;
  try {
    migrated = collection.migrate(value, from);
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
  return parsed.data;
}
