import { describe, expect, test } from 'vitest';
import { exportFileSchema } from '../../../src/protocol/export-file.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { makeDeadLetter } from '../../contracts/storage-fixtures.ts';
import { openStore, storages } from './store-fixtures.ts';

const ids = (n: number) => () => (n++).toString(16).padStart(32, '0');

describe.each(storages)('LocalStore export and import (%s)', (_label, makeStorage) => {
  async function filledStore() {
    const storage = await makeStorage();
    const store = await openStore(storage, { randomId: ids(1) });
    await Promise.all([
      store.put('notes', 'a', { title: 'a', body: 'x' }),
      store.put('prefs', 'me', { theme: 'dark' }),
      store.put('events', 'e1', { type: 'click', n: 1 }),
    ]);
    await store.put('events', 'e1', { type: 'click', n: 2 });
    await storage.transact('readwrite', async (tx) => {
      const write = (await tx.listWrites(0, 1))[0] as PendingWrite;
      await tx.deleteWrite(write.seq);
      await tx.putDeadLetter(makeDeadLetter(write, 5_000));
    });
    return { storage, store };
  }

  test('exports a plain, versioned file that the schema accepts', async () => {
    const { store } = await filledStore();
    const file = await store.exportData();
    expect(exportFileSchema.parse(JSON.parse(JSON.stringify(file)))).toEqual(file);
    expect([file.format, file.version, file.clientId]).toEqual(['outbox-export', 1, store.clientId]);
    expect([file.docs.length, file.pendingWrites.length, file.deadLetters.length]).toEqual([3, 3, 1]);
  });

  test('an export imported into an empty store round-trips documents, writes in order and dead letters', async () => {
    const { store: source } = await filledStore();
    const file = JSON.parse(JSON.stringify(await source.exportData()));
    const storage = await makeStorage();
    const target = await openStore(storage, { randomId: ids(1000) });
    expect(await target.importData(file)).toEqual({ docs: 3, pendingWrites: 3, deadLetters: 1 });
    const copy = await target.exportData();
    expect(copy.docs).toEqual(file.docs);
    expect(copy.deadLetters).toEqual(file.deadLetters);
    expect(copy.pendingWrites.map((w) => [w.id, w.key, w.value])).toEqual(
      file.pendingWrites.map((w: PendingWrite) => [w.id, w.key, w.value]),
    );
    expect(copy.pendingWrites.every((w) => w.clientId === target.clientId)).toBe(true);
  });

  test('an imported write is never replaced by coalescing: the exporting device may already have sent it', async () => {
    const { store: source } = await filledStore();
    const file = await source.exportData();
    const imported = file.pendingWrites.find((w) => w.collection === 'prefs');
    const storage = await makeStorage();
    const target = await openStore(storage, { randomId: ids(1000) });
    await target.importData(file);
    // Were the imported write replaced and its id kept, the server would answer `duplicate`
    // with the old result and this edit would never reach it.
    const edit = await target.put('prefs', 'me', { theme: 'light' });
    expect(edit.coalesced).toBe(false);
    expect(edit.id).not.toBe(imported?.id);
    const queued = await storage.transact('readonly', (tx) => tx.listWritesForDoc('prefs', 'me'));
    expect(queued.map((w) => w.id)).toEqual([imported?.id, edit.id]);
  });

  test('importing the same file twice queues no write twice', async () => {
    const { store: source } = await filledStore();
    const file = await source.exportData();
    const target = await openStore(await makeStorage(), { randomId: ids(1000) });
    await target.importData(file);
    expect((await target.importData(file)).pendingWrites).toBe(0);
    expect((await target.exportData()).pendingWrites).toHaveLength(3);
  });

  test.each([
    ['not an export at all', () => ({ hello: 'world' }), ['format']],
    [
      'a document that fails its schema',
      (f: Record<string, unknown>) => bad(f, 'docs', 1, { value: { title: 7, body: '' } }),
      ['docs', 1, 'value', 'title'],
    ],
    [
      'a document of an unknown collection',
      (f: Record<string, unknown>) => bad(f, 'docs', 2, { collection: 'ghosts' }),
      ['docs', 2, 'collection'],
    ],
    [
      'a pending write with a malformed id',
      (f: Record<string, unknown>) => bad(f, 'pendingWrites', 2, { id: 'nope' }),
      ['pendingWrites', 2, 'id'],
    ],
  ])('refuses %s with import-invalid at its path and changes nothing', async (_what, corrupt, path) => {
    const { store: source } = await filledStore();
    const file = JSON.parse(JSON.stringify(await source.exportData()));
    const target = await openStore(await makeStorage(), { randomId: ids(1000) });
    await target.put('notes', 'mine', { title: 'keep me', body: '' });
    const before = await target.exportData();
    const error = await rejectionOf(target.importData(corrupt(file)));
    expect(error.code).toBe('import-invalid');
    expect(error.details?.path).toEqual(path);
    expect({ ...(await target.exportData()), exportedAt: before.exportedAt }).toEqual(before);
  });
});

/** A copy of the file with one entry of one list changed. */
function bad(file: Record<string, unknown>, list: string, index: number, patch: Record<string, unknown>) {
  const entries = [...(file[list] as Record<string, unknown>[])];
  entries[index] = { ...entries[index], ...patch };
  return { ...file, [list]: entries };
}
