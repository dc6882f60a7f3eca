import { OutboxError } from '../../errors.ts';
import { type ExportFile, exportFileSchema } from '../../protocol/export-file.ts';
import { isDeeperThan, MAX_VALUE_DEPTH } from '../../protocol/json-value.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import type { Collection } from './define-collection.ts';
import { migrateDoc } from './migrate-doc.ts';
import { parseDocValue } from './parse-doc-value.ts';

const TOO_DEEP = `nests arrays and objects deeper than ${MAX_VALUE_DEPTH} levels (value-too-deep)`;

const invalid = (path: readonly PropertyKey[], issue: string, cause?: unknown): OutboxError =>
  new OutboxError(
    'import-invalid',
    { path: path.map((p) => (typeof p === 'symbol' ? p.toString() : p)), issue },
    cause === undefined ? undefined : { cause },
  );

/**
 * Validates a whole export file before anything is written: its shape (zod), then every entry
 * against the declared collections and the depth limit. Documents from an older schema version are migrated here.
 * Throws `import-invalid` with the path of the first bad entry (e.g. `['docs', 3, 'value', 'title']`).
 */
export function parseExportFile(file: unknown, collections: ReadonlyMap<string, Collection>): ExportFile {
  const parsed = exportFileSchema.safeParse(file);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(issue?.path ?? [], issue?.message ?? 'invalid', parsed.error);
  }
  const data = parsed.data;
  const docs = data.docs.map((doc, i) => checkDoc(doc, i, collections));
  const ids = new Set<string>();
  data.pendingWrites.forEach((write, i) => {
    const collection = collections.get(write.collection);
    if (collection === undefined) throw invalid(['pendingWrites', i, 'collection'], `unknown collection '${write.collection}'`);
    if (ids.has(write.id)) throw invalid(['pendingWrites', i, 'id'], 'the same write id appears twice');
    ids.add(write.id);
    if (write.op === 'put') {
      if (isDeeperThan(write.value, MAX_VALUE_DEPTH)) throw invalid(['pendingWrites', i, 'value'], TOO_DEEP);
      const result = parseDocValue(collection.schema, write.value);
      if (!result.success) {
        const issue = result.error.issues[0];
        throw invalid(['pendingWrites', i, 'value', ...(issue?.path ?? [])], issue?.message ?? 'invalid', result.error);
      }
    }
  });
  return { ...data, docs };
}

function checkDoc(doc: StoredDoc, i: number, collections: ReadonlyMap<string, Collection>): StoredDoc {
  const collection = collections.get(doc.collection);
  if (collection === undefined) throw invalid(['docs', i, 'collection'], `unknown collection '${doc.collection}'`);
  if (doc.schemaVersion > collection.version) {
    throw invalid(['docs', i, 'schemaVersion'], `newer than this app's version ${collection.version} of '${collection.name}'`);
  }
  if (isDeeperThan(doc.value, MAX_VALUE_DEPTH)) throw invalid(['docs', i, 'value'], TOO_DEEP);
  if (doc.schemaVersion < collection.version) {
    try {
      return migrateDoc(collection, doc);
    } catch (error) {
      throw invalid(['docs', i, 'value'], error instanceof Error ? error.message : String(error), error);
    }
  }
  const result = parseDocValue(collection.schema, doc.value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw invalid(['docs', i, 'value', ...(issue?.path ?? [])], issue?.message ?? 'invalid', result.error);
  }
  return { ...doc, value: result.data };
}
