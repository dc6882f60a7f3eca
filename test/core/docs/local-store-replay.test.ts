import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LocalStore } from '../../../src/core/docs/local-store.ts';
import { ACKED_IDS_KEPT } from '../../../src/core/queue/recent-acked-ids.ts';
import type { QueueContext } from '../../../src/core/queue/queue-context.ts';
import { settleResults } from '../../../src/core/queue/settle-results.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import type { WriteReceipt } from '../../../src/protocol/outbox-api.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';
import { checkProperty } from '../../support/property.ts';
import { collections, openStore, storages } from './store-fixtures.ts';

const ctx: QueueContext = {
  now: 5_000,
  newId: () => crypto.randomUUID().replaceAll('-', ''),
  collection: (name) => collections.find((c) => c.name === name),
};

const idOf = (n: number): WriteId => n.toString(16).padStart(32, 'a') as WriteId;

/** Acknowledges every pending write (the server applied each) and returns their ids, as a push would. */
async function ackAll(store: LocalStore): Promise<WriteId[]> {
  const batch = await store.storage.transact('readonly', (tx) => tx.listWrites(0, 10_000));
  const results = batch.map((w: PendingWrite) => ({ id: w.id, seq: w.seq, status: 'applied' as const, version: 1 }));
  await settleResults(store.storage, batch, results, ctx);
  return batch.map((w) => w.id);
}

const pendingIds = (store: LocalStore) =>
  store.storage.transact('readonly', async (tx) => (await tx.listWrites(0, 10_000)).map((w) => w.id));

describe.each(storages)('LocalStore journal replay on %s', (_name, open) => {
  test('a put with a caller-chosen id queues the write under that id', async () => {
    const store = await openStore(await open());
    const receipt = await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1) });
    expect(receipt.id).toBe(idOf(1));
    expect(await pendingIds(store)).toEqual([idOf(1)]);
  });

  test('refuses an id that is not 32 lowercase hex digits with invalid-write-id', async () => {
    const store = await openStore(await open());
    await expect(store.put('events', 'e1', { type: 'click', n: 1 }, { id: 'nope' as WriteId })).rejects.toMatchObject({
      code: 'invalid-write-id',
    });
    expect(await pendingIds(store)).toEqual([]);
  });

  test('skips a replay whose write is still pending', async () => {
    const store = await openStore(await open());
    const first = await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1) });
    const replay = await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1), replay: { createdAt: 1 } });
    expect(replay).toEqual({ id: idOf(1), seq: first.seq, coalesced: false });
    expect(await pendingIds(store)).toEqual([idOf(1)]);
  });

  test('skips a replay whose write was acknowledged and left the outbox, even after a later write to its document', async () => {
    const store = await openStore(await open());
    await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1) });
    expect(await ackAll(store)).toEqual([idOf(1)]);
    await store.put('events', 'e1', { type: 'click', n: 2 }, { id: idOf(2) });
    await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1), replay: { createdAt: 1 } });
    expect(await pendingIds(store)).toEqual([idOf(2)]);
    expect(await store.get('events', 'e1')).toMatchObject({ value: { type: 'click', n: 2 } });
  });

  test('skips a replay whose write is dead-lettered', async () => {
    const store = await openStore(await open());
    await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1) });
    const [write] = await store.storage.transact('readonly', (tx) => tx.listWrites(0, 1));
    const w = write as PendingWrite;
    await settleResults(store.storage, [w], [{ id: w.id, seq: w.seq, status: 'rejected', code: 'x', message: 'no' }], ctx);
    await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(1), replay: { createdAt: 1 } });
    expect(await pendingIds(store)).toEqual([]);
  });

  test('skips a replay of a write coalesced into an earlier one that was then acknowledged', async () => {
    const store = await openStore(await open());
    await store.put('prefs', 'me', { theme: 'light' }, { id: idOf(1) });
    const second = await store.put('prefs', 'me', { theme: 'dark' }, { id: idOf(2) });
    expect(second).toMatchObject({ id: idOf(1), coalesced: true });
    await ackAll(store);
    await store.put('prefs', 'me', { theme: 'dark' }, { id: idOf(2), replay: { createdAt: 1 } });
    expect(await pendingIds(store)).toEqual([]);
  });

  test('applies a replay that never landed, under its id and with its time', async () => {
    const store = await openStore(await open());
    await store.put('events', 'e1', { type: 'click', n: 1 }, { id: idOf(7), replay: { createdAt: 42 } });
    const [write] = await store.storage.transact('readonly', (tx) => tx.listWrites(0, 1));
    expect(write).toMatchObject({ id: idOf(7), createdAt: 42, key: 'e1' });
    expect(await store.get('events', 'e1')).toMatchObject({ value: { type: 'click', n: 1 }, pendingWrites: 1 });
  });

  test('applies the same replay once when it arrives twice in one group', async () => {
    const store = await openStore(await open());
    const replay = { id: idOf(7), replay: { createdAt: 42 } };
    await Promise.all([
      store.put('events', 'e1', { type: 'a', n: 1 }, replay),
      store.put('events', 'e1', { type: 'a', n: 1 }, replay),
    ]);
    expect(await pendingIds(store)).toEqual([idOf(7)]);
  });
});

describe('LocalStore journal replay (property)', () => {
  /**
   * Each write's page went away at some point: before the worker got it, after it committed, or
   * after it was also pushed and acknowledged. Its journal entry is then replayed, in any order,
   * some more than once, interleaved with acknowledgements. In the end every write reaches the
   * server exactly once, under its own id.
   */
  test('lands every journaled write exactly once, whatever it had reached before the page went away', async () => {
    const fate = fc.constantFrom('lost-in-flight', 'committed', 'acked');
    await checkProperty(
      40,
      fc.asyncProperty(
        fc.array(fate, { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.boolean(), { maxLength: 30 }),
        async (fates, order, ackBetween) => {
          const store = await openStore(await (storages[0] as (typeof storages)[number])[1]());
          const server: WriteId[] = [];
          // Keys shared by several writes: a later write changes the document an earlier replay would write.
          const journal = fates.map((_, i) => ({ id: idOf(i + 1), key: `e${i % 3}`, value: { type: 'x', n: i } }));
          const landed: Promise<WriteReceipt>[] = [];
          for (const [i, f] of fates.entries()) {
            const e = journal[i] as (typeof journal)[number];
            if (f !== 'lost-in-flight') landed.push(store.put('events', e.key, e.value, { id: e.id }));
            if (f === 'acked') {
              await Promise.all(landed);
              server.push(...(await ackAll(store)));
            }
          }
          await Promise.all(landed);
          // Every entry at least once, then extra ones in the drawn order.
          const replays = [...journal.keys(), ...order.map((n) => n % journal.length)];
          for (const [n, i] of replays.entries()) {
            const e = journal[i] as (typeof journal)[number];
            await store.put('events', e.key, e.value, { id: e.id, replay: { createdAt: 1 } });
            if (ackBetween[n] === true) server.push(...(await ackAll(store)));
          }
          server.push(...(await ackAll(store)));
          expect([...server].sort()).toEqual(journal.map((e) => e.id).sort());
          const docs = await store.list('events', { limit: 1000 });
          expect(docs.items.map((d) => d.key).sort()).toEqual([...new Set(journal.map((e) => e.key))].sort());
          await store.close();
        },
      ),
    );
  });

  test(`keeps the latest ${ACKED_IDS_KEPT} acknowledged ids`, async () => {
    const store = await openStore(await (storages[0] as (typeof storages)[number])[1]());
    const writes = Array.from({ length: ACKED_IDS_KEPT + 1 }, (_, i) => store.put('events', `e${i}`, { type: 'x', n: i }));
    const ids = (await Promise.all(writes)).map((r) => r.id);
    await ackAll(store);
    await store.put('events', 'e1', { type: 'x', n: 1 }, { id: ids[1] as WriteId, replay: { createdAt: 1 } });
    await store.put('events', 'e0', { type: 'changed', n: 0 }, { id: ids[0] as WriteId, replay: { createdAt: 1 } });
    // The oldest fell out of the record (and its document no longer matches): that replay lands again.
    expect(await pendingIds(store)).toEqual([ids[0]]);
  });
});
