import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage, StorageTx } from '../../../src/core/storage/outbox-storage.ts';
import { COUNTS_META_KEY } from '../../../src/core/storage/store-counts.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { makeConflict, makeDeadLetter, makeWrite } from '../../contracts/storage-fixtures.ts';
import { seeded } from '../../support/seeded-random.ts';

const indexedDB = new IDBFactory();

const kinds: [string, (name: string) => Promise<OutboxStorage>][] = [
  ['memory', async (name) => createMemoryOutboxStorage(name)],
  ['IndexedDB (fake-indexeddb)', (name) => openIdbOutboxStorage(name, { indexedDB })],
];

interface Real {
  pending: number;
  deadLetters: number;
  conflicts: number;
  prefs: number;
}

async function realCounts(tx: StorageTx): Promise<Real> {
  const writes = await tx.listWrites(0, 1_000_000);
  return {
    pending: writes.length,
    deadLetters: (await tx.listDeadLetters()).length,
    conflicts: (await tx.listConflicts()).length,
    prefs: writes.filter((w) => w.collection === 'prefs').length,
  };
}

async function reportedCounts(tx: StorageTx): Promise<Real> {
  return {
    pending: await tx.countWrites(),
    deadLetters: await tx.countDeadLetters(),
    conflicts: await tx.countConflicts(),
    prefs: await tx.countWrites('prefs'),
  };
}

/** One random change to a counted store: adds, re-puts, deletes of present and of missing records. */
async function randomChange(tx: StorageTx, pick: () => number, known: PendingWrite[]): Promise<void> {
  const some = known[Math.floor(pick() * known.length)];
  const choice = Math.floor(pick() * 9);
  if (choice <= 2 || some === undefined) {
    const seq = await tx.addWrite(makeWrite(pick() < 0.5 ? 'prefs' : 'notes', `k${Math.floor(pick() * 5)}`));
    const added = await tx.getWrite(seq);
    if (added !== undefined) known.push(added);
  } else if (choice === 3)
    await tx.putWrite({ ...some, attempts: some.attempts + 1 }); // present or re-created
  else if (choice === 4)
    await tx.deleteWrite(some.seq); // present or already gone
  else if (choice === 5)
    await tx.putDeadLetter(makeDeadLetter(some, Math.floor(pick() * 100))); // new or replaced
  else if (choice === 6) await tx.deleteDeadLetter(some.id);
  else if (choice === 7) await tx.putConflict(makeConflict(`c${Math.floor(pick() * 6)}`, Math.floor(pick() * 100)));
  else await tx.deleteConflict(`c${Math.floor(pick() * 6)}`);
}

describe.each(kinds)('stored counts (%s)', (_kind, open) => {
  test('equal the real record counts after a random sequence of committed and aborted transactions', async () => {
    const storage = await open(`counts-${Math.random()}`);
    const pick = seeded(20_261_122);
    const known: PendingWrite[] = [];
    for (let round = 0; round < 60; round++) {
      const abort = pick() < 0.2;
      const steps = 1 + Math.floor(pick() * 6);
      const attempt = storage.transact('readwrite', async (tx) => {
        for (let i = 0; i < steps; i++) await randomChange(tx, pick, known);
        // Inside the transaction the counts already include its own changes.
        expect(await reportedCounts(tx)).toEqual(await realCounts(tx));
        if (abort) throw new Error('abort on purpose');
      });
      if (abort) await expect(attempt).rejects.toThrow();
      else await attempt;
      const [reported, real] = await storage.transact('readonly', async (tx) => [await reportedCounts(tx), await realCounts(tx)]);
      expect(reported, `round ${round}`).toEqual(real);
    }
    storage.close();
  });

  test('rebuild a damaged counter from the stores on the next change', async () => {
    const storage = await open(`damaged-${Math.random()}`);
    await storage.transact('readwrite', async (tx) => {
      await tx.addWrite(makeWrite('prefs', 'a'));
      await tx.putConflict(makeConflict('c1', 1));
    });
    await storage.transact('readwrite', (tx) => tx.putMeta(COUNTS_META_KEY, 'garbage'));
    expect(await storage.transact('readonly', reportedCounts)).toEqual({ pending: 1, deadLetters: 0, conflicts: 1, prefs: 1 });
    await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('notes', 'b')).then(() => undefined));
    expect(await storage.transact('readonly', reportedCounts)).toEqual({ pending: 2, deadLetters: 0, conflicts: 1, prefs: 1 });
    storage.close();
  });
});
