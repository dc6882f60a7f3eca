import { describe, expect, test } from 'vitest';
import { createHarness } from './sync-harness.ts';

describe('SyncLoop', () => {
  describe('push', () => {
    test('sends the oldest writes first, at most maxBatchCount per push', async () => {
      const h = await createHarness({ policy: { maxBatchCount: 2 } });
      for (const k of ['a', 'b', 'c', 'd', 'e']) await h.put(k, k);
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log).toEqual(['push:1,2 → ok,ok', 'push:3,4 → ok,ok', 'push:5 → ok', 'pull:- → 5']);
      expect(await h.outbox()).toEqual([]);
    });

    test('keeps each push under maxBatchBytes, and sends a single larger write alone', async () => {
      const h = await createHarness({ policy: { maxBatchBytes: 700 } });
      await h.put('a', 'x'.repeat(100));
      await h.put('b', 'x'.repeat(100));
      await h.put('c', 'x'.repeat(900));
      await h.put('d', 'x'.repeat(10));
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual(['push:1,2 → ok,ok', 'push:3 → ok', 'push:4 → ok']);
    });

    test('removes acknowledged writes and records the server version on the document', async () => {
      const h = await createHarness();
      h.loop.start();
      await h.put('a', 'one');
      await h.put('a', 'two');
      expect(h.server.applied).toHaveLength(2);
      expect(await h.outbox()).toEqual([]);
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'two' }, version: 2, pendingWrites: 0 });
    });

    test('pushes at once when writes are added to a started loop', async () => {
      const h = await createHarness();
      h.loop.start();
      await h.loop.whenIdle();
      await h.put('a', 'one');
      expect(h.server.log).toEqual(['pull:- → 0', 'push:1 → ok', 'pull:0 → 1']);
    });

    test('dead-letters a rejected write with the server code and applies the rest of the batch', async () => {
      const h = await createHarness();
      h.server.rejectWhen((w) => (w.key === 'b' ? { code: 'forbidden-key', message: 'no b' } : undefined));
      for (const k of ['a', 'b', 'c']) await h.put(k, k);
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log[0]).toBe('push:1,2,3 → ok,rejected(forbidden-key),ok');
      expect(await h.outbox()).toEqual([]);
      const letters = await h.deadLetters();
      expect(letters.map((l) => [l.write.key, l.reason, l.code, l.message])).toEqual([
        ['b', 'rejected', 'forbidden-key', 'no b'],
      ]);
      expect(h.loop.status.current).toMatchObject({ pending: 0, deadLetters: 1, lastError: { code: 'forbidden-key' } });
    });

    test('dead-letters the whole batch with the server code on another 4xx, and goes on', async () => {
      const h = await createHarness({ policy: { maxBatchCount: 2 } });
      for (const k of ['a', 'b', 'c']) await h.put(k, k);
      h.server.failNext({ status: 403, code: 'client-id-taken' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log.slice(0, 2)).toEqual(['push:1,2 → 403', 'push:3 → ok']);
      expect((await h.deadLetters()).map((l) => [l.write.key, l.reason, l.code])).toEqual([
        ['a', 'rejected', 'client-id-taken'],
        ['b', 'rejected', 'client-id-taken'],
      ]);
    });

    test('splits a batch refused whole with a validation code into halves instead of dead-lettering it', async () => {
      const h = await createHarness({ policy: { maxBatchCount: 4 } });
      for (const k of ['a', 'b', 'c', 'd', 'e']) await h.put(k, k);
      h.server.failNext({ status: 400, code: 'invalid-request' }, { status: 400, code: 'invalid-request' });
      h.loop.start();
      await h.loop.whenIdle();
      // 1-4 refused: its first half 1,2 refused too, so 1 alone (fine), then 2, the rest of what
      // was suspect; after that nothing is, and batches are full size again.
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual([
        'push:1,2,3,4 → 400',
        'push:1,2 → 400',
        'push:1 → ok',
        'push:2 → ok',
        'push:3,4,5 → ok,ok,ok',
      ]);
      expect(await h.deadLetters()).toEqual([]);
      expect(h.loop.status.current.pending).toBe(0);
    });

    test('treats a duplicate of an applied write as acknowledged after a lost answer', async () => {
      const h = await createHarness();
      await h.put('a', 'one');
      h.server.failNext({ answerLost: true });
      h.loop.start();
      await h.loop.whenIdle();
      expect(await h.outbox()).toHaveLength(1);
      await h.advance(1_000);
      expect(h.server.log).toEqual(['push:1 → ok (answer lost)', 'push:1 → dup(ok)', 'pull:- → 1']);
      expect(h.server.applied).toHaveLength(1);
      expect(await h.outbox()).toEqual([]);
      expect(await h.store.get('notes', 'a')).toMatchObject({ version: 1 });
    });
  });
});
