import { describe, expect, test } from 'vitest';
import { claimBatch } from '../../../src/core/queue/claim-batch.ts';
import { takeOverLeases } from '../../../src/core/queue/take-over-leases.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { makeWrite } from '../../contracts/storage-fixtures.ts';

async function storageWith(count: number) {
  const storage = createMemoryOutboxStorage(`leases-${Math.random()}`);
  await storage.transact('readwrite', async (tx) => {
    for (let n = 0; n < count; n++) await tx.addWrite(makeWrite('notes', `k${n}`));
  });
  return storage;
}

const leases = async (storage: ReturnType<typeof createMemoryOutboxStorage>) =>
  (await storage.transact('readonly', (tx) => tx.listWrites(0, 10_000))).map((w) => [w.leaseUntil, w.attempts]);

describe('takeOverLeases', () => {
  test('frees the batch a dead runner left leased, keeping its attempts, so the next claim takes it at once', async () => {
    const storage = await storageWith(5);
    await claimBatch(storage, { now: 1_000, leaseMs: 60_000, maxCount: 3, maxBytes: 1 << 20 });
    expect(await takeOverLeases(storage)).toBe(3);
    expect(await leases(storage)).toEqual([
      [null, 1],
      [null, 1],
      [null, 1],
      [null, 0],
      [null, 0],
    ]);
    const next = await claimBatch(storage, { now: 1_001, leaseMs: 60_000, maxCount: 10, maxBytes: 1 << 20 });
    expect(next.writes.map((w) => w.seq)).toEqual([1, 2, 3, 4, 5]);
  });

  test('frees a leased run longer than one read', async () => {
    const storage = await storageWith(260);
    await claimBatch(storage, { now: 1_000, leaseMs: 60_000, maxCount: 250, maxBytes: 1 << 30 });
    expect(await takeOverLeases(storage)).toBe(250);
    expect((await leases(storage)).every(([lease]) => lease === null)).toBe(true);
  });

  test('changes nothing when no write is leased', async () => {
    const storage = await storageWith(3);
    const before = await leases(storage);
    expect(await takeOverLeases(storage)).toBe(0);
    expect(await leases(storage)).toEqual(before);
  });
});
