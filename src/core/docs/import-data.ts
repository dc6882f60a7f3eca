import type { ExportFile } from '../../protocol/export-file.ts';
import type { ClientId } from '../../protocol/ids.ts';
import type { DocChange, ImportReport } from '../../protocol/outbox-api.ts';
import type { StorageTx } from '../storage/outbox-storage.ts';
import { readDocChanges } from './read-doc-changes.ts';

/**
 * Applies a validated export file inside the caller's transaction (all or nothing).
 * Documents replace local ones with the same key. Pending writes are appended in their
 * original order with new seqs and this database's client id, keeping their ids (the server
 * dedupes by write id); a write whose id is already in the outbox is skipped, so importing the
 * same file twice queues nothing twice. Leases from the exporting runner are dropped.
 */
export async function importData(
  tx: StorageTx,
  file: ExportFile,
  clientId: ClientId,
): Promise<{ report: ImportReport; changes: DocChange[] }> {
  await Promise.all(file.docs.map((doc) => tx.putDoc(doc)));
  const writes = [...file.pendingWrites].sort((a, b) => a.seq - b.seq);
  const present = await Promise.all(writes.map((w) => tx.getWriteById(w.id)));
  const added = writes.filter((_, i) => present[i] === undefined);
  // An imported write may already have reached the server from the exporting device, so it never
  // counts as unsent (attempts ≥ 1): coalescing must not replace it and hand its id to a new value,
  // which the server would answer `duplicate` with the old result.
  await Promise.all(
    added.map(({ seq: _seq, ...write }) =>
      tx.addWrite({ ...write, clientId, leaseUntil: null, attempts: Math.max(1, write.attempts) }),
    ),
  );
  await Promise.all(file.deadLetters.map((letter) => tx.putDeadLetter(letter)));
  // Imported writes may name documents the file holds no document for (a pending delete).
  const changes = await readDocChanges(tx, [...file.docs, ...added], 'local');
  return { report: { docs: file.docs.length, pendingWrites: added.length, deadLetters: file.deadLetters.length }, changes };
}
