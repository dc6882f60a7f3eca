import type { ExportFile } from '../../protocol/export-file.ts';
import { EXPORT_FILE_VERSION } from '../../protocol/export-file.ts';
import type { ClientId } from '../../protocol/ids.ts';
import type { PendingWrite } from '../../protocol/pending-write.ts';
import type { StoredDoc } from '../../protocol/stored-doc.ts';
import { toJsonSafe } from '../../protocol/to-json-safe.ts';
import type { OutboxStorage, StorageTx } from '../storage/outbox-storage.ts';
import type { Collection } from './define-collection.ts';

const PAGE = 500;

/**
 * Reads the whole database into one {@link ExportFile}, from one consistent snapshot: every
 * document of the declared collections, every pending write in outbox order, every dead letter,
 * and every quarantined record (as it was found, for whoever repairs it).
 */
export function exportData(
  storage: OutboxStorage,
  collections: readonly Collection[],
  clientId: ClientId,
  exportedAt: number,
): Promise<ExportFile> {
  return storage.transact('readonly', async (tx) => {
    const docs: StoredDoc[] = [];
    for (const collection of collections) docs.push(...(await allDocs(tx, collection.name)));
    return {
      format: 'outbox-export',
      version: EXPORT_FILE_VERSION,
      exportedAt,
      clientId,
      docs,
      pendingWrites: await allWrites(tx),
      deadLetters: await tx.listDeadLetters(),
      // As JSON can hold it: a record of the wrong shape may hold what JSON cannot (to-json-safe.ts).
      quarantined: (await tx.listQuarantined()).map((record) => ({ ...record, raw: toJsonSafe(record.raw) })),
    };
  });
}

async function allDocs(tx: StorageTx, collection: string): Promise<StoredDoc[]> {
  const out: StoredDoc[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await tx.listDocs(collection, after, PAGE);
    out.push(...page);
    if (page.length < PAGE) return out;
    after = page[page.length - 1]?.key;
  }
}

async function allWrites(tx: StorageTx): Promise<PendingWrite[]> {
  const out: PendingWrite[] = [];
  let afterSeq = 0;
  for (;;) {
    const page = await tx.listWrites(afterSeq, PAGE);
    out.push(...page);
    const last = page[page.length - 1];
    if (page.length < PAGE || last === undefined) return out;
    afterSeq = last.seq;
  }
}
