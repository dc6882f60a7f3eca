import { afterEach, describe, expect, test } from 'vitest';
import { isOutboxError, OutboxError } from '../../src/errors.ts';
import type { OutboxStorage } from '../../src/core/storage/outbox-storage.ts';
import type { PendingWrite } from '../../src/protocol/pending-write.ts';
import { makeConflict, makeDeadLetter, makeDoc, makeWrite } from './storage-fixtures.ts';

/** How the contract gets databases from one implementation. */
export interface OutboxStorageFactory {
  /** Opens the database `name`, creating it if needed. Opening a name again reopens the same data when `persistent`. */
  open(name: string): Promise<OutboxStorage>;
  /** Whether data survives close() and open() of the same name. */
  readonly persistent: boolean;
}

/** Resolves with the OutboxError a promise rejects with; fails the test if it resolves or rejects with something else. */
export async function rejectionOf(promise: Promise<unknown>): Promise<OutboxError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OutboxError);
    return error as OutboxError;
  }
  throw new Error('expected the promise to reject, but it resolved');
}

/**
 * The behaviour every {@link OutboxStorage} must have. Each scenario gets a fresh database name.
 * Run it once per implementation: `runOutboxStorageContract('memory', factory)`.
 */
export function runOutboxStorageContract(label: string, factory: OutboxStorageFactory): void {
  describe(`OutboxStorage contract (${label})`, () => {
    const opened: OutboxStorage[] = [];
    const freshName = (): string => `contract-${Math.random().toString(36).slice(2)}`;
    const open = async (name = freshName()): Promise<OutboxStorage> => {
      const storage = await factory.open(name);
      opened.push(storage);
      return storage;
    };
    afterEach(() => {
      for (const storage of opened.splice(0)) storage.close();
    });

    describe('transact', () => {
      test('resolves with the value the function returns', async () => {
        const storage = await open();
        expect(await storage.transact('readwrite', async () => 42)).toBe(42);
      });

      test('an aborted transaction leaves neither the document nor the write', async () => {
        const storage = await open();
        const error = await rejectionOf(
          storage.transact('readwrite', async (tx) => {
            await tx.putDoc(makeDoc('prefs', 'a'));
            await tx.addWrite(makeWrite('prefs', 'a'));
            throw new Error('boom after the puts');
          }),
        );
        expect(error.code).toBe('storage-failed');
        await storage.transact('readonly', async (tx) => {
          expect(await tx.getDoc('prefs', 'a')).toBeUndefined();
          expect(await tx.countWrites()).toBe(0);
        });
      });

      test('an OutboxError thrown inside keeps its code and rolls everything back', async () => {
        const storage = await open();
        await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('prefs', 'a', { n: 1 })));
        const error = await rejectionOf(
          storage.transact('readwrite', async (tx) => {
            await tx.putDoc(makeDoc('prefs', 'a', { n: 2 }));
            await tx.deleteDoc('prefs', 'a');
            await tx.putMeta('x', 1);
            throw new OutboxError('pending-writes', { collection: 'prefs', count: 1 });
          }),
        );
        expect(error.code).toBe('pending-writes');
        const after = await storage.transact('readonly', async (tx) => [await tx.getDoc('prefs', 'a'), await tx.getMeta('x')]);
        expect(after).toEqual([makeDoc('prefs', 'a', { n: 1 }), undefined]);
      });

      test('readwrite transactions run one after another', async () => {
        const storage = await open();
        const increment = () =>
          storage.transact('readwrite', async (tx) => {
            const n = (await tx.getMeta<number>('counter')) ?? 0;
            await tx.putMeta('counter', n + 1);
          });
        await Promise.all(Array.from({ length: 10 }, increment));
        expect(await storage.transact('readonly', (tx) => tx.getMeta('counter'))).toBe(10);
      });

      test('a readonly transaction refuses writes with storage-failed', async () => {
        const storage = await open();
        const error = await rejectionOf(storage.transact('readonly', (tx) => tx.putMeta('x', 1)));
        expect(error.code).toBe('storage-failed');
      });

      test('returns copies: changing a record read back does not change the stored one', async () => {
        const storage = await open();
        await storage.transact('readwrite', (tx) => tx.putDoc(makeDoc('prefs', 'a', { list: [1] })));
        const first = await storage.transact('readonly', (tx) => tx.getDoc('prefs', 'a'));
        (first as unknown as { value: { list: number[] } }).value.list.push(2);
        const second = await storage.transact('readonly', (tx) => tx.getDoc('prefs', 'a'));
        expect(second?.value).toEqual({ list: [1] });
      });
    });

    describe('docs', () => {
      test('puts, reads and deletes a document by collection and key', async () => {
        const storage = await open();
        const doc = makeDoc('prefs', 'me', { theme: 'dark' }, { version: 3 });
        await storage.transact('readwrite', (tx) => tx.putDoc(doc));
        expect(await storage.transact('readonly', (tx) => tx.getDoc('prefs', 'me'))).toEqual(doc);
        expect(await storage.transact('readonly', (tx) => tx.getDoc('other', 'me'))).toBeUndefined();
        await storage.transact('readwrite', (tx) => tx.deleteDoc('prefs', 'me'));
        expect(await storage.transact('readonly', (tx) => tx.getDoc('prefs', 'me'))).toBeUndefined();
      });

      test('lists one collection in key order, paged by the last key', async () => {
        const storage = await open();
        await storage.transact('readwrite', async (tx) => {
          for (const key of ['d', 'b', 'a', 'c', 'e']) await tx.putDoc(makeDoc('notes', key));
          await tx.putDoc(makeDoc('notes.archive', 'a0'));
          await tx.putDoc(makeDoc('note', 'zz'));
        });
        const keys = (docs: { key: string }[]) => docs.map((d) => d.key);
        const page1 = await storage.transact('readonly', (tx) => tx.listDocs('notes', undefined, 2));
        const page2 = await storage.transact('readonly', (tx) => tx.listDocs('notes', 'b', 2));
        const page3 = await storage.transact('readonly', (tx) => tx.listDocs('notes', 'd', 2));
        expect([keys(page1), keys(page2), keys(page3)]).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
        expect(await storage.transact('readonly', (tx) => tx.listDocs('notes', 'e', 10))).toEqual([]);
      });

      test('reads many documents at once in the order asked, whether few or many exist', async () => {
        const storage = await open();
        const keys = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`);
        await storage.transact('readwrite', async (tx) => {
          for (const key of keys.filter((_, i) => i % 3 === 0)) await tx.putDoc(makeDoc('notes', key, { key }));
          // Neighbours inside the asked range that were not asked for.
          for (let i = 0; i < 100; i++) await tx.putDoc(makeDoc('notes', `k05-${i}`));
          await tx.putDoc(makeDoc('other', 'k03', { key: 'other' }));
        });
        const asked = [...keys].reverse();
        for (const subset of [asked.slice(0, 3), asked, asked.filter((_, i) => i % 2 === 0)]) {
          const docs = await storage.transact('readonly', (tx) => tx.getDocs('notes', subset));
          expect(docs.map((d) => d?.value ?? null)).toEqual(subset.map((key) => (keys.indexOf(key) % 3 === 0 ? { key } : null)));
        }
        expect(await storage.transact('readonly', (tx) => tx.getDocs('notes', []))).toEqual([]);
      });

      test('counts and clears the documents of one collection only', async () => {
        const storage = await open();
        await storage.transact('readwrite', async (tx) => {
          for (const key of ['a', 'b', 'c']) await tx.putDoc(makeDoc('notes', key));
          await tx.putDoc(makeDoc('prefs', 'a'));
        });
        expect(await storage.transact('readonly', (tx) => tx.countDocs('notes'))).toBe(3);
        expect(await storage.transact('readwrite', (tx) => tx.clearDocs('notes'))).toBe(3);
        const counts = await storage.transact('readonly', async (tx) => [
          await tx.countDocs('notes'),
          await tx.countDocs('prefs'),
        ]);
        expect(counts).toEqual([0, 1]);
      });

      test('keeps collections whose names share a beginning apart, with keys holding any character', async () => {
        const storage = await open();
        const names = ['n', 'n.v2', 'n-x', 'n0', 'n_', 'nn'];
        const keys = ['', '/', 'a/b', '\u0000', 'z\uffff', '0'].filter((k) => k.length > 0);
        await storage.transact('readwrite', async (tx) => {
          for (const name of names) for (const key of keys) await tx.putDoc(makeDoc(name, key, { from: name }));
        });
        const seen = await storage.transact('readonly', async (tx) =>
          Promise.all(
            names.map(async (name) => ({
              keys: (await tx.listDocs(name, undefined, 100)).map((d) => d.key),
              after: (await tx.listDocs(name, '/', 100)).map((d) => d.key),
              count: await tx.countDocs(name),
              many: (await tx.getDocs(name, [...keys, ...keys, ...keys, ...keys, 'missing'])).map((d) => d?.value),
            })),
          ),
        );
        const sorted = [...keys].sort();
        for (const [i, name] of names.entries()) {
          expect(seen[i]).toEqual({
            keys: sorted,
            after: sorted.filter((k) => k > '/'),
            count: keys.length,
            many: [...[...keys, ...keys, ...keys, ...keys].map(() => ({ from: name })), undefined],
          });
        }
        expect(await storage.transact('readwrite', (tx) => tx.clearDocs('n'))).toBe(keys.length);
        expect(await storage.transact('readonly', (tx) => Promise.all(names.map((n) => tx.countDocs(n))))).toEqual([
          0,
          ...names.slice(1).map(() => keys.length),
        ]);
      });
    });

    describe('outbox', () => {
      test('hands out increasing seqs and never reuses one after a delete', async () => {
        const storage = await open();
        const seqs = await storage.transact('readwrite', async (tx) => [
          await tx.addWrite(makeWrite('prefs', 'a')),
          await tx.addWrite(makeWrite('prefs', 'b')),
          await tx.addWrite(makeWrite('prefs', 'c')),
        ]);
        expect(seqs[1]).toBeGreaterThan(seqs[0] as number);
        expect(seqs[2]).toBeGreaterThan(seqs[1] as number);
        await storage.transact('readwrite', async (tx) => {
          for (const seq of seqs) await tx.deleteWrite(seq);
        });
        const next = await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'd')));
        expect(next).toBeGreaterThan(seqs[2] as number);
      });

      test('gives an appended write a new seq even when the record still carries an old one', async () => {
        const storage = await open();
        const first = await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'a')));
        await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'b')));
        await storage.transact('readwrite', (tx) => tx.deleteWrite(first));
        // A copy of a record read back (as a retried dead letter is) carries its old seq.
        const copy = { ...makeWrite('prefs', 'a'), seq: first } as PendingWrite;
        const again = await storage.transact('readwrite', (tx) => tx.addWrite(copy));
        expect(again).toBeGreaterThan(first + 1);
        expect((await storage.transact('readonly', (tx) => tx.getWrite(again)))?.id).toBe(copy.id);
        expect(await storage.transact('readonly', (tx) => tx.getWrite(first))).toBeUndefined();
      });

      test('stores the seq in the record and finds it by seq and by id', async () => {
        const storage = await open();
        const write = makeWrite('prefs', 'a');
        const seq = await storage.transact('readwrite', (tx) => tx.addWrite(write));
        const bySeq = await storage.transact('readonly', (tx) => tx.getWrite(seq));
        const byId = await storage.transact('readonly', (tx) => tx.getWriteById(write.id));
        expect(bySeq).toEqual({ ...write, seq });
        expect(byId).toEqual({ ...write, seq });
        expect(await storage.transact('readonly', (tx) => tx.getWriteById('f'.repeat(32)))).toBeUndefined();
      });

      test('refuses a second write with the same id and keeps the first', async () => {
        const storage = await open();
        const write = makeWrite('prefs', 'a');
        await storage.transact('readwrite', (tx) => tx.addWrite(write));
        const error = await rejectionOf(
          storage.transact('readwrite', async (tx) => {
            await tx.putDoc(makeDoc('prefs', 'b'));
            await tx.addWrite({ ...write, key: 'b' });
          }),
        );
        expect(error.code).toBe('storage-failed');
        const state = await storage.transact('readonly', async (tx) => [await tx.countWrites(), await tx.getDoc('prefs', 'b')]);
        expect(state).toEqual([1, undefined]);
      });

      test('lists writes in seq order after a given seq, at most limit', async () => {
        const storage = await open();
        const seqs = await storage.transact('readwrite', async (tx) => {
          const out: number[] = [];
          for (let i = 0; i < 5; i++) out.push(await tx.addWrite(makeWrite('events', `k${i}`)));
          return out;
        });
        const seqOf = (ws: PendingWrite[]) => ws.map((w) => w.seq);
        expect(seqOf(await storage.transact('readonly', (tx) => tx.listWrites(0, 3)))).toEqual(seqs.slice(0, 3));
        expect(seqOf(await storage.transact('readonly', (tx) => tx.listWrites(seqs[2] as number, 10)))).toEqual(seqs.slice(3));
        expect(await storage.transact('readonly', (tx) => tx.listWrites(seqs[4] as number, 10))).toEqual([]);
      });

      test('lists the writes of one document in seq order', async () => {
        const storage = await open();
        const seqs = await storage.transact('readwrite', async (tx) => [
          await tx.addWrite(makeWrite('prefs', 'a', { value: { n: 1 } })),
          await tx.addWrite(makeWrite('prefs', 'b')),
          await tx.addWrite(makeWrite('other', 'a')),
          await tx.addWrite(makeWrite('prefs', 'a', { op: 'delete', value: undefined })),
        ]);
        const writes = await storage.transact('readonly', (tx) => tx.listWritesForDoc('prefs', 'a'));
        expect(writes.map((w) => [w.seq, w.op])).toEqual([
          [seqs[0], 'put'],
          [seqs[3], 'delete'],
        ]);
      });

      test('lists the writes of many documents at once, each in seq order, in the order asked', async () => {
        const storage = await open();
        const seqs = await storage.transact('readwrite', async (tx) => [
          await tx.addWrite(makeWrite('prefs', 'a')),
          await tx.addWrite(makeWrite('prefs', 'b')),
          await tx.addWrite(makeWrite('other', 'c')),
          await tx.addWrite(makeWrite('prefs', 'a', { op: 'delete', value: undefined })),
        ]);
        const lists = await storage.transact('readonly', (tx) => tx.listWritesForDocs('prefs', ['c', 'a', 'b']));
        expect(lists.map((writes) => writes.map((w) => w.seq))).toEqual([[], [seqs[0], seqs[3]], [seqs[1]]]);
      });

      test('counts all writes and the writes of one collection', async () => {
        const storage = await open();
        await storage.transact('readwrite', async (tx) => {
          await tx.addWrite(makeWrite('prefs', 'a'));
          await tx.addWrite(makeWrite('prefs', 'b'));
          await tx.addWrite(makeWrite('events', 'a'));
        });
        const counts = await storage.transact('readonly', async (tx) => [
          await tx.countWrites(),
          await tx.countWrites('prefs'),
          await tx.countWrites('events'),
          await tx.countWrites('none'),
        ]);
        expect(counts).toEqual([3, 2, 1, 0]);
      });

      test('putWrite replaces the write with the same seq, indexes included', async () => {
        const storage = await open();
        const seq = await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'a')));
        const write = await storage.transact('readonly', (tx) => tx.getWrite(seq));
        const claimed = { ...(write as PendingWrite), attempts: 1, leaseUntil: 5_000 };
        await storage.transact('readwrite', (tx) => tx.putWrite(claimed));
        expect(await storage.transact('readonly', (tx) => tx.getWrite(seq))).toEqual(claimed);
        expect(await storage.transact('readonly', (tx) => tx.listWritesForDoc('prefs', 'a'))).toEqual([claimed]);
        expect(await storage.transact('readonly', (tx) => tx.countWrites())).toBe(1);
      });
    });

    describe('outbox with many writes', () => {
      test('hundreds of writes in one transaction list back in seq order, page by page, after deletes', async () => {
        const storage = await open();
        const seqs = await storage.transact('readwrite', async (tx) =>
          Promise.all(Array.from({ length: 300 }, (_, i) => tx.addWrite(makeWrite('events', `e${i}`)))),
        );
        expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
        const gone = new Set(seqs.filter((_, i) => i % 7 === 0 || (i > 120 && i < 140)));
        await storage.transact('readwrite', async (tx) => {
          for (const seq of gone) await tx.deleteWrite(seq);
        });
        const kept = seqs.filter((seq) => !gone.has(seq));
        const listed: number[] = [];
        await storage.transact('readonly', async (tx) => {
          for (let page = await tx.listWrites(0, 37); page.length > 0; page = await tx.listWrites(listed.at(-1) as number, 37)) {
            listed.push(...page.map((w) => w.seq));
          }
        });
        expect(listed).toEqual(kept);
        const [count, last, missing] = await storage.transact('readonly', async (tx) => [
          await tx.countWrites(),
          (await tx.getWrite(kept.at(-1) as number))?.key,
          await tx.getWrite(seqs[0] as number),
        ]);
        expect([count, last, missing]).toEqual([kept.length, 'e299', undefined]);
      });

      test('inside one transaction, reads see its own appends, replacements and deletes', async () => {
        const storage = await open();
        const before = await storage.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'a')));
        await storage.transact('readwrite', async (tx) => {
          const write = makeWrite('prefs', 'a', { value: { n: 2 } });
          const seq = await tx.addWrite(write);
          expect((await tx.listWritesForDoc('prefs', 'a')).map((w) => w.seq)).toEqual([before, seq]);
          expect((await tx.getWriteById(write.id))?.seq).toBe(seq);
          await tx.deleteWrite(before);
          const claimed = { ...(await tx.getWrite(seq)), attempts: 1, leaseUntil: 9 } as PendingWrite;
          await tx.putWrite(claimed);
          expect(await tx.listWritesForDoc('prefs', 'a')).toEqual([claimed]);
          expect(await tx.listWrites(0, 10)).toEqual([claimed]);
          expect(await tx.countWrites()).toBe(1);
        });
        expect((await storage.transact('readonly', (tx) => tx.listWrites(0, 10))).map((w) => w.leaseUntil)).toEqual([9]);
      });

      test('an aborted transaction leaves no trace in lookups by id or by document', async () => {
        const storage = await open();
        const write = makeWrite('prefs', 'a');
        await rejectionOf(
          storage.transact('readwrite', async (tx) => {
            await tx.addWrite(write);
            throw new Error('abort on purpose');
          }),
        );
        const seen = await storage.transact('readonly', async (tx) => [
          await tx.getWriteById(write.id),
          await tx.listWritesForDoc('prefs', 'a'),
          await tx.countWrites(),
        ]);
        expect(seen).toEqual([undefined, [], 0]);
        // The id was never used, so it can be appended now.
        const seq = await storage.transact('readwrite', (tx) => tx.addWrite(write));
        expect((await storage.transact('readonly', (tx) => tx.getWriteById(write.id)))?.seq).toBe(seq);
      });

      test.runIf(factory.persistent)(
        "two connections to one database see each other's changes by id and by document",
        async () => {
          const name = freshName();
          const a = await open(name);
          const b = await open(name);
          const first = makeWrite('prefs', 'x');
          const seqA = await a.transact('readwrite', (tx) => tx.addWrite(first));
          // b has not seen this write yet, and must not answer from a stale view.
          expect((await b.transact('readonly', (tx) => tx.getWriteById(first.id)))?.seq).toBe(seqA);
          const second = makeWrite('prefs', 'x');
          const seqB = await b.transact('readwrite', async (tx) => {
            await tx.deleteWrite(seqA);
            return tx.addWrite(second);
          });
          expect(seqB).toBeGreaterThan(seqA);
          const fromA = await a.transact('readonly', async (tx) => [
            await tx.getWriteById(first.id),
            (await tx.listWritesForDoc('prefs', 'x')).map((w) => w.id),
            await tx.countWrites(),
          ]);
          expect(fromA).toEqual([undefined, [second.id], 1]);
          // a appends after b's append, never on top of it.
          const seqA2 = await a.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'y')));
          expect(seqA2).toBeGreaterThan(seqB);
          const duplicate = await rejectionOf(a.transact('readwrite', (tx) => tx.addWrite({ ...second, key: 'z' })));
          expect(duplicate.code).toBe('storage-failed');
        },
      );
    });

    // The IndexedDB storage stores such a document once, pointing at the write (doc-value-links.ts): these pin what that must never change.
    describe('a document put with the very value of a write appended before it', () => {
      const VALUE = { n: 42 };
      const linked = async (storage: OutboxStorage): Promise<number> =>
        storage.transact('readwrite', async (tx) => {
          const [seq] = await tx.appendWrites([makeWrite('prefs', 'a', { value: VALUE })]);
          await tx.putDoc(makeDoc('prefs', 'a', VALUE));
          return seq as number;
        });
      const docValue = (storage: OutboxStorage) =>
        storage.transact('readonly', async (tx) => [
          (await tx.getDoc('prefs', 'a'))?.value,
          (await tx.getDocs('prefs', ['a']))[0]?.value,
          (await tx.listDocs('prefs', undefined, 10))[0]?.value,
        ]);

      test('reads back with its value, in every read, and after reopening', async () => {
        const name = freshName();
        const storage = await open(name);
        await linked(storage);
        expect(await docValue(storage)).toEqual([VALUE, VALUE, VALUE]);
        if (!factory.persistent) return;
        storage.close();
        expect(await docValue(await open(name))).toEqual([VALUE, VALUE, VALUE]);
      });

      test('keeps its value when the write is deleted, in a later transaction or the same one', async () => {
        const storage = await open();
        const seq = await linked(storage);
        await storage.transact('readwrite', (tx) => tx.deleteWrite(seq));
        expect(await docValue(storage)).toEqual([VALUE, VALUE, VALUE]);
        const same = await open();
        const inside = await same.transact('readwrite', async (tx) => {
          const [s] = await tx.appendWrites([makeWrite('prefs', 'a', { value: VALUE })]);
          await tx.putDoc(makeDoc('prefs', 'a', VALUE));
          await tx.deleteWrite(s as number);
          return (await tx.getDoc('prefs', 'a'))?.value;
        });
        expect(inside).toEqual(VALUE);
        expect(await docValue(same)).toEqual([VALUE, VALUE, VALUE]);
      });

      test('keeps its value when the write is replaced by one with another value, and reads inside that transaction see it', async () => {
        const storage = await open();
        const seq = await linked(storage);
        const inside = await storage.transact('readwrite', async (tx) => {
          const write = (await tx.getWrite(seq)) as PendingWrite;
          await tx.putWrite({ ...write, value: { n: 7 } });
          return (await tx.getDoc('prefs', 'a'))?.value;
        });
        expect(inside).toEqual(VALUE);
        expect(await docValue(storage)).toEqual([VALUE, VALUE, VALUE]);
        expect((await storage.transact('readonly', (tx) => tx.getWrite(seq)))?.value).toEqual({ n: 7 });
      });

      test('still reads its value after the write was leased and tried (same value), and after it then goes', async () => {
        const storage = await open();
        const seq = await linked(storage);
        await storage.transact('readwrite', async (tx) => {
          const write = (await tx.getWrite(seq)) as PendingWrite;
          await tx.putWrite({ ...write, attempts: 1, leaseUntil: 9_000 });
        });
        expect(await docValue(storage)).toEqual([VALUE, VALUE, VALUE]);
        await storage.transact('readwrite', (tx) => tx.deleteWrite(seq));
        expect(await docValue(storage)).toEqual([VALUE, VALUE, VALUE]);
      });

      test('written again, deleted or cleared in the transaction that deletes the write, stays as that transaction left it', async () => {
        const storage = await open();
        const [a, b, c] = await storage.transact('readwrite', async (tx) => {
          const values = [{ n: 1 }, { n: 2 }, { n: 3 }];
          const seqs = await tx.appendWrites(
            values.map((value, i) => makeWrite(['prefs', 'notes', 'events'][i] as string, 'a', { value })),
          );
          await Promise.all(values.map((value, i) => tx.putDoc(makeDoc(['prefs', 'notes', 'events'][i] as string, 'a', value))));
          return seqs;
        });
        await storage.transact('readwrite', async (tx) => {
          // Each change comes while the delete's own bookkeeping may still be reading the document.
          await tx.deleteWrite(a as number);
          await tx.putDoc(makeDoc('prefs', 'a', { n: 10 }));
          await tx.deleteWrite(b as number);
          await tx.deleteDoc('notes', 'a');
          await tx.getWrite(c as number);
          await Promise.all([tx.clearDocs('events'), tx.deleteWrite(c as number)]);
        });
        const after = await storage.transact('readonly', async (tx) => [
          (await tx.getDoc('prefs', 'a'))?.value,
          await tx.getDoc('notes', 'a'),
          await tx.countDocs('events'),
        ]);
        expect(after).toEqual([{ n: 10 }, undefined, 0]);
      });
    });

    describe('dead letters and conflicts', () => {
      test('lists dead letters oldest first and deletes them by id', async () => {
        const storage = await open();
        const write = (key: string, seq: number): PendingWrite => ({ ...makeWrite('prefs', key), seq });
        const late = makeDeadLetter(write('a', 1), 300);
        const early = makeDeadLetter(write('b', 2), 100);
        await storage.transact('readwrite', async (tx) => {
          await tx.putDeadLetter(late);
          await tx.putDeadLetter(early);
        });
        expect(await storage.transact('readonly', (tx) => tx.listDeadLetters())).toEqual([early, late]);
        expect(await storage.transact('readonly', (tx) => tx.getDeadLetter(late.id))).toEqual(late);
        await storage.transact('readwrite', (tx) => tx.deleteDeadLetter(early.id));
        expect(await storage.transact('readonly', (tx) => tx.countDeadLetters())).toBe(1);
      });

      test('lists conflicts oldest first and deletes them by id', async () => {
        const storage = await open();
        await storage.transact('readwrite', async (tx) => {
          await tx.putConflict(makeConflict('c2', 200));
          await tx.putConflict(makeConflict('c1', 100));
        });
        const ids = await storage.transact('readonly', async (tx) => (await tx.listConflicts()).map((c) => c.id));
        expect(ids).toEqual(['c1', 'c2']);
        await storage.transact('readwrite', (tx) => tx.deleteConflict('c1'));
        expect(await storage.transact('readonly', (tx) => tx.countConflicts())).toBe(1);
      });
    });

    describe('meta', () => {
      test('keeps small named values of any structured-cloneable shape', async () => {
        const storage = await open();
        await storage.transact('readwrite', async (tx) => {
          await tx.putMeta('clientId', 'abc');
          await tx.putMeta('auth', { authorization: 'Bearer x' });
        });
        const values = await storage.transact('readonly', async (tx) => [
          await tx.getMeta('clientId'),
          await tx.getMeta('auth'),
          await tx.getMeta('missing'),
        ]);
        expect(values).toEqual(['abc', { authorization: 'Bearer x' }, undefined]);
      });
    });

    describe('quarantine', () => {
      const isString = (value: unknown): value is string => typeof value === 'string';

      test('a meta value that fails its type check reads as undefined, leaves meta and is listed with its code', async () => {
        const storage = await open();
        await storage.transact('readwrite', (tx) => tx.putMeta('cursor', { not: 'a string' }));
        expect(await storage.transact('readonly', (tx) => tx.getMeta('cursor', isString))).toBeUndefined();
        expect(await storage.transact('readonly', (tx) => tx.getMeta('cursor'))).toBeUndefined();
        const listed = await storage.transact('readonly', (tx) => tx.listQuarantined());
        expect(listed).toMatchObject([{ code: 'record-quarantined', store: 'meta', key: 'cursor', raw: { not: 'a string' } }]);
        expect(await storage.transact('readonly', (tx) => tx.countQuarantined())).toBe(1);
      });

      test('a damaged quarantine list, or a damaged entry of it, is kept and listed as such, not dropped', async () => {
        const storage = await open();
        await storage.transact('readwrite', (tx) => tx.putMeta('quarantine', 'not a list'));
        expect(await storage.transact('readonly', (tx) => tx.listQuarantined())).toMatchObject([
          { store: 'meta', key: 'quarantine', raw: 'not a list' },
        ]);
        await storage.transact('readwrite', (tx) => tx.putMeta('quarantine', [{ junk: 1 }]));
        expect(await storage.transact('readonly', (tx) => tx.listQuarantined())).toMatchObject([
          { code: 'record-quarantined', store: 'meta', key: 'quarantine', raw: { junk: 1 } },
        ]);
        expect(await storage.transact('readonly', (tx) => tx.countQuarantined())).toBe(1);
      });

      test('an entry set aside is listed once its transaction commits, and not at all if it aborts', async () => {
        const storage = await open();
        const entry = { code: 'pulled-doc-invalid', store: 'pull', key: 'prefs/me', reason: 'no', raw: { v: 1 } } as const;
        await rejectionOf(
          storage.transact('readwrite', async (tx) => {
            await tx.quarantine(entry);
            throw new Error('abort');
          }),
        );
        expect(await storage.transact('readonly', (tx) => tx.listQuarantined())).toEqual([]);
        await storage.transact('readwrite', (tx) => tx.quarantine(entry));
        expect(await storage.transact('readonly', (tx) => tx.listQuarantined())).toMatchObject([entry]);
      });
    });

    describe('close', () => {
      test('a closed database rejects new transactions with database-closed', async () => {
        const storage = await open();
        storage.close();
        const error = await rejectionOf(storage.transact('readonly', (tx) => tx.getMeta('x')));
        expect(isOutboxError(error, 'database-closed')).toBe(true);
      });

      test.runIf(factory.persistent)('data persists after close and reopen, and seqs keep increasing', async () => {
        const name = freshName();
        const first = await open(name);
        const seq = await first.transact('readwrite', async (tx) => {
          await tx.putDoc(makeDoc('prefs', 'me', { theme: 'dark' }));
          const s = await tx.addWrite(makeWrite('prefs', 'me'));
          await tx.deleteWrite(s);
          return s;
        });
        first.close();
        const second = await open(name);
        expect(await second.transact('readonly', (tx) => tx.getDoc('prefs', 'me'))).toEqual(
          makeDoc('prefs', 'me', { theme: 'dark' }),
        );
        expect(await second.transact('readwrite', (tx) => tx.addWrite(makeWrite('prefs', 'me')))).toBeGreaterThan(seq);
      });
    });
  });
}
