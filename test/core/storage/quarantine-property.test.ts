import 'fake-indexeddb/auto';
import fc from 'fast-check';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, test } from 'vitest';
import { openIdbOutboxStorage } from '../../../src/core/storage/idb-outbox-storage.ts';
import { readCounts } from '../../../src/core/queue/read-counts.ts';
import { isString } from '../../../src/core/storage/meta-guards.ts';
import type { StorageTx } from '../../../src/core/storage/outbox-storage.ts';
import { makeConflict, makeDeadLetter, makeDoc, makeWrite } from '../../contracts/storage-fixtures.ts';
import { checkProperty } from '../../support/property.ts';

const indexedDB = new IDBFactory();

/** One kind of record: where it is stored, a valid one, and whether reads show it. */
interface Kind {
  readonly label: string;
  readonly store: 'docs' | 'outbox' | 'deadLetters' | 'conflicts' | 'meta';
  /** The store key of the record (out-of-line stores), or undefined for stores keyed by `id`. */
  readonly key: IDBValidKey | undefined;
  /** The key its quarantine entry names. */
  readonly listedAs: string | number;
  readonly fields: readonly string[];
  readonly valid: () => unknown;
  /** Stores `record` where this kind lives (a write goes inside a chunk). */
  readonly wrap: (record: unknown) => unknown;
  readonly visible: (tx: StorageTx) => Promise<boolean>;
}

const write = () => ({
  seq: 1,
  id: 'a'.repeat(32),
  collection: 'notes',
  key: 'k',
  op: 'put',
  baseVersion: null,
  createdAt: 1,
  size: 2,
  value: {},
});

const kinds: Kind[] = [
  {
    label: 'document',
    store: 'docs',
    key: 'notes/m',
    listedAs: 'notes/m',
    fields: ['value', 'version', 'schemaVersion', 'updatedAt'],
    valid: () => ({ value: { text: 'x' }, version: null, schemaVersion: 1, updatedAt: 1 }),
    wrap: (record) => record,
    visible: async (tx) => (await tx.getDoc('notes', 'm')) !== undefined,
  },
  {
    label: 'outbox chunk',
    store: 'outbox',
    key: 1,
    listedAs: 1,
    fields: ['firstSeq', 'clientId', 'writes'],
    valid: () => ({ firstSeq: 1, clientId: 'c', writes: [write()] }),
    wrap: (record) => record,
    visible: async (tx) => (await tx.listWrites(0, 100)).some((w) => w.seq === 1),
  },
  {
    label: 'pending write in a chunk',
    store: 'outbox',
    key: 1,
    listedAs: 1,
    fields: ['seq', 'id', 'collection', 'key', 'op', 'baseVersion', 'createdAt', 'size', 'value'],
    valid: write,
    wrap: (record) => ({ firstSeq: 1, clientId: 'c', writes: [record] }),
    // A mutation changes one field at most: the write is still known by its seq or by its id.
    visible: async (tx) => (await tx.listWrites(0, 100)).some((w) => w.seq === 1 || w.id === 'a'.repeat(32)),
  },
  {
    label: 'dead letter',
    store: 'deadLetters',
    key: undefined,
    listedAs: 'm',
    fields: ['v', 'reason', 'code', 'message', 'deadAt', 'write'],
    valid: () => ({ ...makeDeadLetter({ ...makeWrite('notes', 'dead'), seq: 9 }, 3), id: 'm' }),
    wrap: (record) => record,
    visible: async (tx) => (await tx.listDeadLetters()).some((l) => l.id === 'm'),
  },
  {
    label: 'conflict',
    store: 'conflicts',
    key: undefined,
    listedAs: 'm',
    fields: ['v', 'collection', 'key', 'policy', 'decision', 'local', 'remote', 'remoteVersion', 'result', 'writeId', 'at'],
    valid: () => makeConflict('m', 3),
    wrap: (record) => record,
    visible: async (tx) => (await tx.listConflicts()).some((c) => c.id === 'm'),
  },
  {
    label: 'meta value',
    store: 'meta',
    key: 'pullCursor',
    listedAs: 'pullCursor',
    fields: [],
    valid: () => 'cursor-1',
    wrap: (record) => record,
    visible: async (tx) => (await tx.getMeta('pullCursor', isString)) !== undefined,
  },
];

type Mutation =
  | { readonly kind: 'replace'; readonly with: unknown }
  | { readonly kind: 'delete'; readonly field: string }
  | { readonly kind: 'set'; readonly field: string; readonly to: unknown }
  | { readonly kind: 'junk'; readonly field: string; readonly to: unknown };

const wrongValue = fc.oneof(
  fc.constant(null),
  fc.constant(undefined),
  fc.string(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
  fc.constantFrom(-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.boolean(),
);

function mutation(fields: readonly string[]): fc.Arbitrary<Mutation> {
  const whole = fc.record({
    kind: fc.constant('replace' as const),
    // Not `undefined`: IndexedDB's get cannot tell a stored undefined from no record, so such a record just reads as absent.
    with: fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
      fc.integer(),
      fc.anything({ maxDepth: 2 }).filter((v) => v !== undefined),
    ),
  });
  if (fields.length === 0) return whole;
  const field = fc.constantFrom(...fields);
  return fc.oneof(
    whole,
    fc.record({ kind: fc.constant('delete' as const), field }),
    fc.record({ kind: fc.constant('set' as const), field, to: wrongValue }),
    fc.record({
      kind: fc.constant('junk' as const),
      field: fc.string({ minLength: 1, maxLength: 8 }).filter((f) => !fields.includes(f) && f !== 'id' && f !== '__proto__'),
      to: fc.jsonValue({ maxDepth: 1 }),
    }),
  );
}

function mutate(valid: unknown, m: Mutation, keyedById: boolean): unknown {
  if (m.kind === 'replace') return m.with;
  const record = { ...(valid as Record<string, unknown>) };
  if (m.kind === 'delete') delete record[m.field];
  else record[m.field] = m.to;
  return keyedById ? { ...record, id: 'm' } : record;
}

/** Puts `value` into `store` directly; false when IndexedDB refuses it (no key at `id` in a store keyed by it). */
function putRaw(name: string, store: string, value: unknown, key: IDBValidKey | undefined): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name);
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(store, 'readwrite');
      try {
        if (key === undefined) tx.objectStore(store).put(value);
        else tx.objectStore(store).put(value, key);
      } catch {
        db.close();
        resolve(false);
        return;
      }
      tx.oncomplete = () => {
        db.close();
        resolve(true);
      };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  });
}

describe('quarantine (property, IndexedDB)', () => {
  for (const kind of kinds) {
    test(`an arbitrary wrong-shaped ${kind.label} fails no operation and is either read or quarantined, never both`, async () => {
      await checkProperty(
        25,
        fc.asyncProperty(mutation(kind.fields), async (m) => {
          const name = `qp-${Math.random().toString(36).slice(2)}`;
          const storage = await openIdbOutboxStorage(name, { indexedDB });
          const okLetter = makeDeadLetter({ ...makeWrite('notes', 'ok'), seq: 50 }, 1);
          try {
            // Good neighbours in every store, and a state whose next seq is clear of the record's.
            await storage.transact('readwrite', async (tx) => {
              await tx.putDoc(makeDoc('notes', 'ok'));
              await tx.putWrite({ ...makeWrite('notes', 'ok'), seq: 100 });
              await tx.putDeadLetter(okLetter);
              await tx.putConflict(makeConflict('ok', 1));
            });
            const record = kind.wrap(mutate(kind.valid(), m, kind.key === undefined));
            fc.pre(await putRaw(name, kind.store, record, kind.key));
            // What a put does, then what sync and the status read.
            await storage.transact('readwrite', async (tx) => {
              await tx.getDocs('notes', ['m', 'ok', 'new']);
              await tx.listWritesForDocs('notes', ['m', 'ok', 'new']);
              await tx.appendWrites([makeWrite('notes', 'new')]);
              await tx.putDoc(makeDoc('notes', 'new'));
            });
            const seen = await storage.transact('readonly', async (tx) => ({
              visible: await kind.visible(tx),
              writes: (await tx.listWrites(0, 1000)).map((w) => w.key),
              docs: (await tx.listDocs('notes', undefined, 100)).map((d) => d.key),
              letters: (await tx.listDeadLetters()).map((l) => l.id),
              conflicts: (await tx.listConflicts()).map((c) => c.id),
            }));
            await readCounts(storage);
            const listed = (await storage.transact('readonly', (tx) => tx.listQuarantined())).filter(
              (r) => r.store === kind.store && r.key === kind.listedAs,
            );
            expect(listed.every((r) => r.code === 'record-quarantined')).toBe(true);
            expect(seen.visible !== listed.length > 0).toBe(true);
            expect(seen.writes).toEqual(expect.arrayContaining(['ok', 'new']));
            expect(seen.docs).toEqual(expect.arrayContaining(['ok', 'new']));
            expect(seen.letters).toContain(okLetter.id);
            expect(seen.conflicts).toContain('ok');
          } finally {
            storage.close();
          }
        }),
      );
    });
  }
});
