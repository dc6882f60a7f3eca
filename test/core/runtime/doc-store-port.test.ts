import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { toDocStorePort } from '../../../src/core/runtime/doc-store-port.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { isOutboxError } from '../../../src/errors.ts';
import { randomId, type WriteId } from '../../../src/protocol/ids.ts';

const notes = defineCollection({ name: 'notes', schema: z.strictObject({ text: z.string() }), coalesce: false });

async function port() {
  const store = await LocalStore.open({ storage: createMemoryOutboxStorage(), collections: [notes] });
  const doc = toDocStorePort(
    store,
    () => randomId(),
    () => 1_000,
  );
  let signals = 0;
  doc.onWritesCommitted(() => {
    signals += 1;
  });
  return { doc, store, signals: () => signals };
}

describe('toDocStorePort', () => {
  test('reports the outbox from storage: pending ids, last seq and writes up to a seq', async () => {
    const { doc } = await port();
    expect(await doc.lastPendingSeq()).toBe(0);
    const a = await doc.put('notes', 'a', { text: '1' });
    const b = await doc.put('notes', 'b', { text: '2' });
    const c = await doc.put('notes', 'a', { text: '3' });
    expect(await doc.lastPendingSeq()).toBe(c.seq);
    expect(await doc.firstPendingSeq(0)).toBe(a.seq);
    expect(await doc.firstPendingSeq(a.seq)).toBe(b.seq);
    expect(await doc.firstPendingSeq(c.seq)).toBeUndefined();
    expect(await doc.hasPendingWrite(a.id)).toBe(true);
    expect(await doc.hasPendingWrite('f'.repeat(32) as WriteId)).toBe(false);
    expect(await doc.localStatus()).toEqual({ pending: 3, deadLetters: 0, conflicts: 0, quarantined: 0, discarded: 0 });
    expect((await doc.listPending({ limit: 2 })).map((w) => w.id)).toEqual([a.id, b.id]);
  });

  test('signals every change to the outbox or its counts, so the runner pushes and recounts', async () => {
    const { doc, signals } = await port();
    const a = await doc.put('notes', 'a', { text: '1' });
    expect(signals()).toBe(1);
    await doc.discardPending(a.id);
    expect(signals()).toBe(2);
    expect(await doc.isDeadLettered(a.id)).toBe(true);
    expect(await doc.localStatus()).toMatchObject({ pending: 0, deadLetters: 1 });
    const retried = await doc.retryDeadLetter(a.id, { value: { text: 'edited' } });
    expect(signals()).toBe(3);
    expect(await doc.get('notes', 'a')).toMatchObject({ value: { text: 'edited' }, pendingWrites: 1 });
    await doc.discardPending(retried.id);
    await doc.discardDeadLetter(retried.id);
    expect(signals()).toBe(5);
    expect(await doc.localStatus()).toMatchObject({ pending: 0, deadLetters: 0, discarded: 1 });
  });

  test('rejects operations on unknown dead letters and conflicts with not-found', async () => {
    const { doc } = await port();
    const missing = 'e'.repeat(32) as WriteId;
    for (const op of [() => doc.retryDeadLetter(missing), () => doc.discardDeadLetter(missing), () => doc.dismissConflict('x')]) {
      const error = await op().catch((e: unknown) => e);
      expect(isOutboxError(error, 'not-found')).toBe(true);
    }
  });
});
