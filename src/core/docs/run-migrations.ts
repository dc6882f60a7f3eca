import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { isVersionMap } from '../storage/meta-guards.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import type { Collection } from './define-collection.ts';
import { migrateDoc } from './migrate-doc.ts';

/** Meta key: the schema version each collection's documents were last migrated to. */
export const META_SCHEMA_VERSIONS = 'schemaVersions';
const PAGE = 500;

/**
 * Migrates every document stored under an older schema version, inside the caller's transaction
 * (so a failure anywhere leaves every document as it was). Collections whose recorded version
 * already matches are not scanned. Documents from a newer version are left alone.
 *
 * @returns how many documents were migrated.
 */
export async function runMigrations(tx: StorageTx, collections: readonly Collection[]): Promise<number> {
  const recorded = (await tx.getMeta(META_SCHEMA_VERSIONS, isVersionMap)) ?? {};
  const next = { ...recorded };
  let migrated = 0;
  for (const collection of collections) {
    if (recorded[collection.name] === collection.version) continue;
    migrated += await migrateCollection(tx, collection);
    next[collection.name] = collection.version;
  }
  if (collections.some((c) => recorded[c.name] !== c.version)) await tx.putMeta(META_SCHEMA_VERSIONS, next);
  return migrated;
}

async function migrateCollection(tx: StorageTx, collection: Collection): Promise<number> {
  let migrated = 0;
  let after: string | undefined;
  // Bounded: each page moves `after` forward through a finite key range.
  for (;;) {
    const page: StoredDoc[] = await tx.listDocs(collection.name, after, PAGE);
    const updates = page.filter((doc) => doc.schemaVersion < collection.version).map((doc) => migrateDoc(collection, doc));
    await Promise.all(updates.map((doc) => tx.putDoc(doc)));
    migrated += updates.length;
    if (page.length < PAGE) return migrated;
    after = page[page.length - 1]?.key;
  }
}
