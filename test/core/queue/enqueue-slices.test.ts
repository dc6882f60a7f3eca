import { describe, expect, test } from 'vitest';
import type { Collection } from '../../../src/core/docs/define-collection.ts';
import { enqueueWrites, type WriteRequest } from '../../../src/core/queue/enqueue-writes.ts';
import type { OutboxStorage, StorageTx } from '../../../src/core/storage/outbox-storage.ts';
import type { ClientId, WriteId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { WriteReceipt } from '../../../src/protocol/outbox-api.ts';
import { seeded } from '../../support/seeded-random.ts';
import { events, notes, prefs, storages } from '../docs/store-fixtures.ts';

const CLIENT = 'c'.repeat(32) as ClientId;

/** A random script of puts and deletes over a few documents of a coalescing, a state and an append collection. */
function script(seed: number, length: number): WriteRequest[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  return Array.from({ length }, (_, i): WriteRequest => {
    const collection: Collection = pick([prefs, notes, events]);
    const key = pick(['k0', 'k1', 'k2']);
    const remove = collection !== events && random() < 0.2;
    const value: JsonValue | undefined = remove
      ? undefined
      : collection === prefs
        ? { theme: pick(['light', 'dark']), fontSize: i }
        : collection === notes
          ? { title: `t${i}`, body: '' }
          : { type: 'e', n: i };
    const id = (i + 1).toString(16).padStart(32, '0') as WriteId;
    const size = value === undefined ? 0 : JSON.stringify(value).length;
    return { collection, key, op: remove ? 'delete' : 'put', value, size, id, createdAt: 1_000 + i };
  });
}

/** Seeds what the script meets: a synced document (its writes get a base version) and a write already handed to a push. */
async function seed(storage: OutboxStorage): Promise<void> {
  await storage.transact('readwrite', async (tx) => {
    await tx.putDoc({ collection: 'prefs', key: 'k0', value: { theme: 'dark' }, version: 5, schemaVersion: 1, updatedAt: 1 });
    await tx.putDoc({
      collection: 'notes',
      key: 'k1',
      value: { title: 'sent', body: '' },
      version: 2,
      schemaVersion: 1,
      updatedAt: 1,
    });
    await tx.addWrite({
      v: 1,
      id: 'f'.repeat(32) as WriteId,
      clientId: CLIENT,
      collection: 'notes',
      key: 'k1',
      op: 'put',
      value: { title: 'sent', body: '' },
      baseVersion: 1,
      createdAt: 1,
      size: 26,
      attempts: 1,
      leaseUntil: 99_000,
      firstFailedAt: null,
      lastError: null,
    });
  });
}

/** Everything the writes left behind (both runs make the same ids), and whether each receipt's seq names the stored write with its id. */
async function outcome(storage: OutboxStorage, receipts: readonly WriteReceipt[]) {
  return storage.transact('readonly', async (tx: StorageTx) => {
    const writes = await tx.listWrites(0, 10_000);
    const docs = [];
    for (const name of ['prefs', 'notes', 'events']) docs.push(...(await tx.listDocs(name, undefined, 1_000)));
    const carried = receipts.map((r) => writes.find((w) => w.seq === r.seq)?.id === r.id);
    return {
      writes: writes.map(({ id, collection, key, op, value, baseVersion, createdAt }) => ({
        id,
        collection,
        key,
        op,
        value,
        baseVersion,
        createdAt,
      })),
      docs: docs.map(({ collection, key, value, version }) => ({ collection, key, value, version })),
      receipts: receipts.map(({ id, coalesced }) => ({ id, coalesced })),
      carried,
    };
  });
}

describe.each(storages)('a group worked out in slices (%s)', (_label, makeStorage) => {
  test.each([1, 2, 3, 7, 1024])(
    'writes in slices of %i end exactly as if each had been applied in its own transaction',
    async (sliceWrites) => {
      for (const seedValue of [1, 2, 3]) {
        const requests = script(seedValue, 40);
        const oneByOne = await makeStorage();
        await seed(oneByOne);
        const alone: WriteReceipt[] = [];
        for (const request of requests) {
          const [result] = await oneByOne.transact('readwrite', (tx) => enqueueWrites(tx, CLIENT, [request]));
          alone.push(result as WriteReceipt);
        }
        const grouped = await makeStorage();
        await seed(grouped);
        const results = await grouped.transact('readwrite', (tx) => enqueueWrites(tx, CLIENT, requests, sliceWrites));
        const together = results as WriteReceipt[];
        const { carried, ...expected } = await outcome(oneByOne, alone);
        const { carried: carriedTogether, ...actual } = await outcome(grouped, together);
        expect(actual).toEqual(expected);
        // Applied alone, a receipt names the write as it was then; in a group, the write that carries it in the end.
        expect(carriedTogether).toEqual(requests.map(() => true));
        expect(carried.some((c) => !c)).toBe(true);
      }
    },
  );
});
