import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { makeDeadLetter, makeDoc } from '../../contracts/storage-fixtures.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { storages } from './store-fixtures.ts';

const v1 = defineCollection({ name: 'todos', schema: z.object({ text: z.string() }) });
const v2 = (migrate: (value: JsonValue, from: number) => JsonValue) =>
  defineCollection({
    name: 'todos',
    version: 2,
    schema: z.object({ title: z.string(), done: z.boolean() }),
    migrate: migrate as never,
  });
const renameText = (value: JsonValue) => ({ title: (value as { text: string }).text, done: false });

describe.each(storages)('LocalStore migrations (%s)', (_label, makeStorage) => {
  test('migrates documents stored under an older version on open', async () => {
    const storage = await makeStorage();
    const old = await LocalStore.open({ storage, collections: [v1] });
    await Promise.all([old.put('todos', 'a', { text: 'milk' }), old.put('todos', 'b', { text: 'eggs' })]);
    const store = await LocalStore.open({ storage, collections: [v2(renameText)] });
    expect((await store.list('todos')).items.map((d) => d.value)).toEqual([
      { title: 'milk', done: false },
      { title: 'eggs', done: false },
    ]);
    const doc = await storage.transact('readonly', (tx) => tx.getDoc('todos', 'a'));
    expect(doc?.schemaVersion).toBe(2);
  });

  test('does not migrate again on the next open', async () => {
    const storage = await makeStorage();
    await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('todos', 'a', { text: 'milk' })));
    let calls = 0;
    const counting = v2((value) => {
      calls++;
      return renameText(value);
    });
    await LocalStore.open({ storage, collections: [counting] });
    await LocalStore.open({ storage, collections: [counting] });
    expect(calls).toBe(1);
  });

  test('a throwing migrate rejects open with migration-failed naming the key and leaves the old data untouched', async () => {
    const storage = await makeStorage();
    await storage.transact('readwrite', async (tx) => {
      await tx.putDoc(makeDoc('todos', 'a', { text: 'milk' }));
      await tx.putDoc(makeDoc('todos', 'b', { text: 'broken' }));
    });
    const failing = v2((value) => {
      if ((value as { text: string }).text === 'broken') throw new Error('cannot read this one');
      return renameText(value);
    });
    const error = await rejectionOf(LocalStore.open({ storage, collections: [failing] }));
    expect(error.code).toBe('migration-failed');
    expect(error.details).toMatchObject({ collection: 'todos', key: 'b', from: 1, to: 2 });
    const docs = await storage.transact('readonly', (tx) => tx.listDocs('todos', undefined, 10));
    expect(docs.map((d) => [d.value, d.schemaVersion])).toEqual([
      [{ text: 'milk' }, 1],
      [{ text: 'broken' }, 1],
    ]);
  });

  test('a migrate result that fails the schema is a migration failure too', async () => {
    const storage = await makeStorage();
    await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('todos', 'a', { text: 'milk' })));
    const error = await rejectionOf(LocalStore.open({ storage, collections: [v2((value) => value)] }));
    expect(error.code).toBe('migration-failed');
    expect((await storage.transact('readonly', (tx) => tx.getDoc('todos', 'a')))?.value).toEqual({ text: 'milk' });
  });

  test('migrates the values of pending writes and dead letters with the documents, in the same transaction', async () => {
    const storage = await makeStorage();
    const old = await LocalStore.open({ storage, collections: [v1] });
    await old.put('todos', 'a', { text: 'milk' });
    await old.put('todos', 'b', { text: 'eggs' });
    const [, dying] = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    await storage.transact('readwrite', async (tx) => {
      await tx.deleteWrite((dying as PendingWrite).seq);
      await tx.putDeadLetter(makeDeadLetter(dying as PendingWrite, 5));
    });
    await LocalStore.open({ storage, collections: [v2(renameText)] });
    const [write] = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    expect(write?.value).toEqual({ title: 'milk', done: false });
    expect(write?.size).toBe(JSON.stringify({ title: 'milk', done: false }).length);
    const [letter] = await storage.transact('readonly', (tx) => tx.listDeadLetters());
    expect(letter?.write.value).toEqual({ title: 'eggs', done: false });
  });

  test('a migration that fails on a pending write changes nothing: documents, writes and dead letters stay as they were', async () => {
    const storage = await makeStorage();
    const old = await LocalStore.open({ storage, collections: [v1] });
    await old.put('todos', 'a', { text: 'milk' });
    await old.put('todos', 'b', { text: 'broken' });
    // Only the pending write holds the value migrate() throws on; the document already says otherwise.
    await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('todos', 'b', { text: 'fine' })));
    const before = await storage.transact('readonly', async (tx) => ({
      docs: await tx.listDocs('todos', undefined, 10),
      writes: await tx.listWrites(0, 10),
      meta: await tx.getMeta('schemaVersions'),
    }));
    const failing = v2((value) => {
      if ((value as { text: string }).text === 'broken') throw new Error('cannot read this one');
      return renameText(value);
    });
    const error = await rejectionOf(LocalStore.open({ storage, collections: [failing] }));
    expect(error.code).toBe('migration-failed');
    expect(error.details).toMatchObject({ key: 'b', from: 1, to: 2 });
    const after = await storage.transact('readonly', async (tx) => ({
      docs: await tx.listDocs('todos', undefined, 10),
      writes: await tx.listWrites(0, 10),
      meta: await tx.getMeta('schemaVersions'),
    }));
    expect(after).toEqual(before);
  });
});
