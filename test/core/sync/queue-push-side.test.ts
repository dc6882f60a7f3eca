import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { applyPullPage, readPullCursor } from '../../../src/core/queue/apply-pull-page.ts';
import { claimBatch } from '../../../src/core/queue/claim-batch.ts';
import { releaseBatch } from '../../../src/core/queue/release-batch.ts';
import { resolveConflict } from '../../../src/core/queue/resolve-conflict.ts';
import { checkResults } from '../../../src/core/queue/settle-results.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { isOutboxError } from '../../../src/errors.ts';
import type { ClientId, WriteId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { PendingWrite } from '../../../src/protocol/pending-write.ts';

const id = (n: number) => n.toString(16).padStart(32, '0') as WriteId;
const write = (n: number, over: Partial<PendingWrite> = {}): Omit<PendingWrite, 'seq'> => ({
  v: 1,
  id: id(n),
  clientId: 'c'.repeat(32) as ClientId,
  collection: 'notes',
  key: `k${n}`,
  op: 'put',
  value: { n },
  baseVersion: null,
  createdAt: 0,
  size: 8,
  attempts: 0,
  leaseUntil: null,
  firstFailedAt: null,
  lastError: null,
  ...over,
});

async function storageWith(count: number, over: (n: number) => Partial<PendingWrite> = () => ({})) {
  const storage = createMemoryOutboxStorage();
  await storage.transact('readwrite', async (tx) => {
    for (let n = 1; n <= count; n++) await tx.addWrite(write(n, over(n)));
  });
  return storage;
}

const claimOptions = { now: 1_000, leaseMs: 500, maxCount: 10, maxBytes: 1 << 20 };

describe('claimBatch', () => {
  test('leases the claimed writes and counts an attempt', async () => {
    const storage = await storageWith(2);
    const { writes } = await claimBatch(storage, claimOptions);
    expect(writes.map((w) => [w.seq, w.leaseUntil, w.attempts])).toEqual([
      [1, 1_500, 1],
      [2, 1_500, 1],
    ]);
    expect(await claimBatch(storage, claimOptions)).toEqual({ writes: [], blockedUntil: 1_500 });
  });

  test('stops at a write under a valid lease instead of skipping it, to keep seq order', async () => {
    const storage = await storageWith(4, (n) => (n === 3 ? { leaseUntil: 2_000 } : {}));
    const { writes, blockedUntil } = await claimBatch(storage, claimOptions);
    expect(writes.map((w) => w.seq)).toEqual([1, 2]);
    expect(blockedUntil).toBeUndefined();
  });

  test('starts after the given seq, so a pass does not walk back over the batches it settled', async () => {
    const storage = await storageWith(5);
    const { writes } = await claimBatch(storage, { ...claimOptions, afterSeq: 3 });
    expect(writes.map((w) => w.seq)).toEqual([4, 5]);
  });

  test('claims writes whose lease has ended', async () => {
    const storage = await storageWith(2, () => ({ leaseUntil: 1_000, attempts: 1 }));
    const { writes } = await claimBatch(storage, claimOptions);
    expect(writes.map((w) => [w.seq, w.attempts])).toEqual([
      [1, 2],
      [2, 2],
    ]);
  });
});

describe('releaseBatch', () => {
  test('clears the lease and keeps the time of the first failure', async () => {
    const storage = await storageWith(1);
    const { writes } = await claimBatch(storage, claimOptions);
    await releaseBatch(storage, writes, { code: 'server-error', message: 'x' }, 1_100);
    const again = await claimBatch(storage, { ...claimOptions, now: 5_000 });
    await releaseBatch(storage, again.writes, { code: 'network-error', message: 'y' }, 5_100);
    const [stored] = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    expect(stored).toMatchObject({ leaseUntil: null, firstFailedAt: 1_100, attempts: 2, lastError: { code: 'network-error' } });
  });
});

describe('checkResults', () => {
  test('refuses results that do not answer the batch one to one', async () => {
    const storage = await storageWith(2);
    const batch = await storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    const ok = (n: number, seq: number) => ({ id: id(n), seq, status: 'applied' as const, version: 1 });
    expect(() => checkResults(batch, [ok(1, 1), ok(2, 2)], 'u')).not.toThrow();
    for (const bad of [[ok(1, 1)], [ok(2, 2), ok(1, 1)], [ok(1, 1), ok(2, 3)]]) {
      let caught: unknown;
      try {
        checkResults(batch, bad, 'u');
      } catch (e) {
        caught = e;
      }
      expect(isOutboxError(caught, 'protocol-error')).toBe(true);
    }
  });
});

describe('resolveConflict', () => {
  const current = { version: 4, value: { n: 0 }, deleted: false, writtenAt: 100 };
  const w = (createdAt: number) => ({ ...write(1, { createdAt }), seq: 1 });

  test('gives a last-writer-wins tie to the server', () => {
    expect(resolveConflict('last-writer-wins', w(100), current).decision).toBe('server-won');
    expect(resolveConflict('last-writer-wins', w(101), current).decision).toBe('client-won');
  });

  test('passes null for a deleted side to merge', () => {
    const seen: unknown[] = [];
    const merge = (input: { local: JsonValue | null; remote: JsonValue | null }) => {
      seen.push(input.local, input.remote);
      return null;
    };
    const result = resolveConflict({ merge }, { ...w(1), op: 'delete' }, { ...current, deleted: true, value: null });
    expect(seen).toEqual([null, null]);
    expect(result).toMatchObject({ decision: 'merged', result: null, followUp: true });
  });
});

describe('applyPullPage', () => {
  const notes = defineCollection({ name: 'notes', schema: z.object({ n: z.number() }) as z.ZodType<JsonValue> });
  const ctx = { now: 9, collection: (name: string) => (name === 'notes' ? notes : undefined) };

  test('skips unknown collections and documents already at that version, and stores the cursor', async () => {
    const storage = createMemoryOutboxStorage();
    await storage.transact('readwrite', (tx) =>
      tx.putDoc({ collection: 'notes', key: 'a', value: { n: 1 }, version: 3, schemaVersion: 1, updatedAt: 0 }),
    );
    const changes = await applyPullPage(
      storage,
      {
        protocol: 1,
        cursor: 'c7',
        hasMore: false,
        changes: [
          { collection: 'notes', key: 'a', op: 'put', value: { n: 0 }, version: 3, writtenAt: 0 },
          { collection: 'other', key: 'z', op: 'put', value: 1, version: 1, writtenAt: 0 },
          { collection: 'notes', key: 'b', op: 'put', value: { n: 2 }, version: 1, writtenAt: 0 },
        ],
      },
      ctx,
    );
    expect(changes.map((c) => c.key)).toEqual(['b']);
    expect(await readPullCursor(storage)).toBe('c7');
    const a = await storage.transact('readonly', (tx) => tx.getDoc('notes', 'a'));
    expect(a?.value).toEqual({ n: 1 });
  });
});
