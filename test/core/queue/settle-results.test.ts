import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { type Collection, defineCollection } from '../../../src/core/docs/define-collection.ts';
import { readDoc } from '../../../src/core/docs/read-docs.ts';
import type { QueueContext } from '../../../src/core/queue/queue-context.ts';
import { settleResults } from '../../../src/core/queue/settle-results.ts';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import type { ServerDoc, WriteResult } from '../../../src/protocol/push-messages.ts';
import { makeDoc, makeWrite } from '../../contracts/storage-fixtures.ts';

const indexedDB = new IDBFactory();
const storages: Array<[string, () => Promise<OutboxStorage>]> = [
  ['memory', async () => createMemoryOutboxStorage(`settle-${Math.random()}`)],
  ['IndexedDB (fake-indexeddb)', () => openIdbOutboxStorage(`settle-${Math.random()}`, { indexedDB })],
];

const notes = defineCollection({ name: 'notes', schema: z.json(), conflict: 'client-wins' });

function context(): QueueContext {
  let next = 0;
  const collections = new Map<string, Collection>([['notes', notes as Collection]]);
  return { now: 9_000, newId: () => (++next).toString(16).padStart(32, 'f'), collection: (name) => collections.get(name) };
}

const applied = (w: PendingWrite, version: number): WriteResult => ({ id: w.id, seq: w.seq, status: 'applied', version });
const rejected = (w: PendingWrite): WriteResult => ({ id: w.id, seq: w.seq, status: 'rejected', code: 'bad', message: 'no' });
const conflict = (w: PendingWrite, current: ServerDoc): WriteResult => ({ id: w.id, seq: w.seq, status: 'conflict', current });
const server = (version: number, value: number): ServerDoc => ({
  version,
  value: { server: value },
  deleted: false,
  writtenAt: 1,
});

/** Adds writes (and a document per written key) and returns them with their seqs. */
async function seed(storage: OutboxStorage, keys: readonly string[]): Promise<PendingWrite[]> {
  return storage.transact('readwrite', async (tx) => {
    const out: PendingWrite[] = [];
    for (const [i, key] of keys.entries()) {
      const write = makeWrite('notes', key, { value: { local: i } });
      await tx.putDoc(makeDoc('notes', key, { local: i }, { version: 1 }));
      out.push({ ...write, seq: await tx.addWrite(write) });
    }
    return out;
  });
}

describe.each(storages)('settleResults on %s', (_name, open) => {
  test('records the version only for the last pending write to a document, settling the batch in order', async () => {
    const storage = await open();
    const [a1, a2, b1, b2] = (await seed(storage, ['a', 'a', 'b', 'b'])) as [
      PendingWrite,
      PendingWrite,
      PendingWrite,
      PendingWrite,
    ];
    const report = await settleResults(storage, [a1, a2, b1], [applied(a1, 5), applied(a2, 6), applied(b1, 7)], context());
    expect(report.acked).toEqual([a1.id, a2.id, b1.id]);
    const after = await storage.transact('readonly', async (tx) => ({
      a: await tx.getDoc('notes', 'a'),
      b: await tx.getDoc('notes', 'b'),
      left: await tx.listWrites(0, 10),
    }));
    expect(after.a?.version).toBe(6);
    expect(after.b?.version).toBe(1);
    expect(after.left.map((w) => w.seq)).toEqual([b2.seq]);
    storage.close();
  });

  test('dead-letters rejected writes and ignores results for writes no longer queued', async () => {
    const storage = await open();
    const [a, b] = (await seed(storage, ['a', 'b'])) as [PendingWrite, PendingWrite];
    await storage.transact('readwrite', (tx) => tx.deleteWrite(b.seq));
    const report = await settleResults(storage, [a, b], [rejected(a), applied(b, 3)], context());
    expect(report.deadLettered.map((l) => [l.id, l.reason, l.code])).toEqual([[a.id, 'rejected', 'bad']]);
    expect(report.acked).toEqual([]);
    const left = await storage.transact('readonly', async (tx) => ({
      writes: await tx.countWrites(),
      letters: await tx.countDeadLetters(),
      b: await tx.getDoc('notes', 'b'),
    }));
    expect(left).toEqual({ writes: 0, letters: 1, b: expect.objectContaining({ version: 1 }) });
    storage.close();
  });

  test('reports the new snapshot of every document it settled, for watchers (acked, rejected, conflict)', async () => {
    const storage = await open();
    const [a1, a2, b, c, d] = (await seed(storage, ['a', 'a', 'b', 'c', 'd'])) as [
      PendingWrite,
      PendingWrite,
      PendingWrite,
      PendingWrite,
      PendingWrite,
    ];
    const results = [applied(a1, 5), applied(b, 7), rejected(c), conflict(d, server(4, 9))];
    const report = await settleResults(storage, [a1, b, c, d], results, context());
    const snapshot = (key: string) => storage.transact('readonly', (tx) => readDoc(tx, 'notes', key));
    expect(report.changes.map(({ key, version, pendingWrites, source }) => ({ key, version, pendingWrites, source }))).toEqual([
      { key: 'a', version: 1, pendingWrites: 1, source: 'remote' },
      { key: 'b', version: 7, pendingWrites: 0, source: 'remote' },
      { key: 'c', version: 1, pendingWrites: 0, source: 'remote' },
      { key: 'd', version: 4, pendingWrites: 1, source: 'remote' },
    ]);
    for (const change of report.changes) {
      const { key, value, version, pendingWrites } = change;
      expect({ key, value, version, pendingWrites }).toEqual(await snapshot(key));
    }
    expect(a2.key).toBe('a');
    storage.close();
  });

  test('re-sends a conflicting write only when no later write to its document is pending', async () => {
    const storage = await open();
    const [a1, a2, c] = (await seed(storage, ['a', 'a', 'c'])) as [PendingWrite, PendingWrite, PendingWrite];
    const results = [conflict(a1, server(4, 1)), applied(a2, 8), conflict(c, server(2, 3))];
    // a1's conflict record takes the first id, c's follow-up the second.
    const report = await settleResults(storage, [a1, a2, c], results, context());
    expect(report.acked).toEqual([a1.id, a2.id]);
    expect(report.replaced).toEqual([{ from: c.id, to: `${'f'.repeat(31)}2` }]);
    expect(report.conflicts.map((r) => [r.writeId, r.decision])).toEqual([
      [a1.id, 'client-won'],
      [c.id, 'client-won'],
    ]);
    const after = await storage.transact('readonly', async (tx) => ({
      a: await tx.getDoc('notes', 'a'),
      c: await tx.getDoc('notes', 'c'),
      writes: await tx.listWrites(0, 10),
    }));
    expect(after.a?.version).toBe(8);
    expect(after.c).toMatchObject({ version: 2, value: { local: 2 } });
    expect(after.writes.map((w) => [w.key, w.baseVersion, w.value])).toEqual([['c', 2, { local: 2 }]]);
    storage.close();
  });
});
