import type { JsonValue } from '../../protocol/json-value.ts';
import type { Collection } from '../docs/define-collection.ts';
import { migrateValue } from '../docs/migrate-doc.ts';
import { parseDocValue } from '../docs/parse-doc-value.ts';

/** A pulled value as it may be stored, or why it may not. */
export type PulledValue = { readonly ok: true; readonly value: JsonValue } | { readonly ok: false; readonly reason: string };

/**
 * The value a pulled document is stored with, under the collection's current schema version.
 *
 * A pulled change carries no schema version (src/protocol/pull-messages.ts),
 * so the version a value was written under is found out: a value that matches the current schema
 * is taken as it is; otherwise `migrate` is tried from each older version, newest first (the
 * smallest step first), and the first result that matches the schema is taken. A value that
 * neither matches nor migrates is refused with the reason, for the quarantine.
 */
export function acceptPulledValue(collection: Collection, key: string, value: JsonValue): PulledValue {
  const parsed = parseDocValue(collection.schema, value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const mismatch = `it does not match the schema at '${issue?.path.join('.') ?? ''}': ${issue?.message ?? 'invalid'}`;
  if (collection.migrate === undefined || collection.version === 1) return { ok: false, reason: mismatch };
  for (let from = collection.version - 1; from >= 1; from--) {
    try {
      return { ok: true, value: migrateValue(collection, key, value, from) };
    } catch {
      // Not written under `from` (or migrate() cannot read it): try the next older version.
    }
  }
  return {
    ok: false,
    reason: `${mismatch}, and migrate() from no version 1…${collection.version - 1} turns it into one that does`,
  };
}
