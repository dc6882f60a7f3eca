import type { DeadLetter } from '../../protocol/dead-letter.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { jsonBytes } from '../queue/json-bytes.ts';
import { isVersionMap } from '../storage/meta-guards.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import type { Collection } from './define-collection.ts';
import { migrateDoc, migrateValue } from './migrate-doc.ts';

/** Meta key: the schema version each collection's documents were last migrated to. */
export const META_SCHEMA_VERSIONS = 'schemaVersions';
const PAGE = 500;

/**
 * Migrates, inside the caller's transaction (so a failure anywhere leaves everything as it was),
 * every document stored under an older schema version, and the values of the collection's
 * pending writes and dead letters. Collections whose recorded version already matches are not
 * scanned. Documents from a newer version are left alone.
 *
 * A write carries no schema version of its own: it was made under the version recorded for its
 * collection when it was queued (migrations run at open, before any write), so that recorded
 * version is where its value is migrated from (version 1 where none was recorded).
 *
 * @returns how many documents were migrated.
 */
export async function runMigrations(tx: StorageTx, collections: readonly Collection[]): Promise<number> {
  const recorded = (await tx.getMeta(META_SCHEMA_VERSIONS, isVersionMap)) ?? {};
  const next = { ...recorded };
  let migrated = 0;
  const stale = new Map<string, { collection: Collection; from: number }>();
  for (const collection of collections) {
    if (recorded[collection.name] === collection.version) continue;
    migrated += await migrateCollection(tx, collection);
    next[collection.name] = collection.version;
    const from = recorded[collection.name] ?? 1;
    if (from < collection.version) stale.set(collection.name, { collection, from });
  }
  if (stale.size > 0) {
    await migrateWrites(tx, stale);
    await migrateDeadLetters(tx, stale);
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

type Stale = ReadonlyMap<string, { readonly collection: Collection; readonly from: number }>;

/** The write with its value migrated, or undefined when it is not a put to a stale collection. */
function migratedWrite(write: PendingWrite, stale: Stale): PendingWrite | undefined {
  const target = stale.get(write.collection);
  if (target === undefined || write.op !== 'put' || write.value === undefined) return undefined;
  const value = migrateValue(target.collection, write.key, write.value, target.from);
  return { ...write, value, size: jsonBytes(value) };
}

/** Pending writes of the stale collections, in outbox order, each put again with its migrated value. */
async function migrateWrites(tx: StorageTx, stale: Stale): Promise<void> {
  let afterSeq = 0;
  // Bounded: each page moves `afterSeq` past the writes it read.
  for (;;) {
    const page = await tx.listWrites(afterSeq, PAGE);
    const updates = page.flatMap((write) => migratedWrite(write, stale) ?? []);
    await Promise.all(updates.map((write) => tx.putWrite(write)));
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return;
    afterSeq = last.seq;
  }
}

async function migrateDeadLetters(tx: StorageTx, stale: Stale): Promise<void> {
  const letters = await tx.listDeadLetters();
  const updates: DeadLetter[] = [];
  for (const letter of letters) {
    const write = migratedWrite(letter.write, stale);
    if (write !== undefined) updates.push({ ...letter, write });
  }
  await Promise.all(updates.map((letter) => tx.putDeadLetter(letter)));
}
