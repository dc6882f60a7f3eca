import { describe, expect, test } from 'vitest';
import { isOutboxError } from '../../../src/errors.ts';
import { createHarness } from './sync-harness.ts';

describe('SyncLoop', () => {
  describe('flush', () => {
    test('resolves once every write pending at the call is acknowledged, across retries', async () => {
      const h = await createHarness({ random: () => 0.5, policy: { maxBatchCount: 1 } });
      await h.put('a', 'one');
      await h.put('b', 'two');
      h.server.failNext({ status: 503 });
      h.loop.start();
      await h.loop.whenIdle();
      let done = false;
      const flushed = h.loop.flush().then(() => {
        done = true;
      });
      await h.loop.whenIdle();
      expect(done).toBe(true);
      await flushed;
      // flush pushes at once, without waiting out the backoff.
      expect(h.server.log).toEqual(['push:1 → 503', 'push:1 → ok', 'push:2 → ok', 'pull:- → 2']);
    });

    test('resolves at once when nothing is pending', async () => {
      const h = await createHarness();
      await expect(h.loop.flush()).resolves.toBeUndefined();
      expect(h.server.log).toEqual([]);
    });

    test('waits for the write that replaced a conflicting one', async () => {
      const h = await createHarness({ conflict: 'client-wins' });
      h.loop.start();
      await h.put('a', 'mine-1');
      h.server.writeAsOtherClient('notes', 'a', { text: 'theirs' });
      h.loop.setPaused(true);
      await h.put('a', 'mine-2');
      h.server.failNext({ pass: true }, { status: 503 });
      const flushed = h.loop.flush();
      let done = false;
      void flushed.then(() => {
        done = true;
      });
      h.loop.setPaused(false);
      await h.loop.whenIdle();
      expect(h.server.log.slice(-2)).toEqual(['push:2 → conflict', 'push:3 → 503']);
      expect(done).toBe(false);
      await h.advance(60_000);
      await flushed;
      expect(h.server.doc('notes', 'a')?.value).toEqual({ text: 'mine-2' });
    });

    test('rejects with dead-lettered when a pending write is rejected', async () => {
      const h = await createHarness();
      h.server.rejectWhen((w) => (w.key === 'b' ? { code: 'forbidden', message: 'no' } : undefined));
      await h.put('a', 'one');
      await h.put('b', 'two');
      h.loop.start();
      const error = await h.loop.flush().catch((e: unknown) => e);
      expect(isOutboxError(error, 'dead-lettered')).toBe(true);
    });

    test('rejects pending flushes with closed when the loop closes', async () => {
      const h = await createHarness();
      await h.put('a', 'one');
      h.server.failNext({ status: 503 });
      h.loop.start();
      await h.loop.whenIdle();
      const pending = h.loop.flush().catch((e: unknown) => e);
      h.loop.close();
      expect(isOutboxError(await pending, 'closed')).toBe(true);
      expect(h.loop.status.current.phase).toBe('closed');
      expect(h.clock.pending()).toEqual([]);
    });
  });

  describe('whenSynced', () => {
    test('resolves when that one write is acknowledged', async () => {
      const h = await createHarness({ random: () => 0.5 });
      h.server.failNext({ status: 503 });
      h.loop.start();
      const receipt = await h.put('a', 'one');
      let done = false;
      const synced = h.loop.whenSynced(receipt.id).then(() => {
        done = true;
      });
      await h.loop.whenIdle();
      expect(done).toBe(false);
      await h.advance(500);
      await synced;
      expect(done).toBe(true);
      await expect(h.loop.whenSynced(receipt.id)).resolves.toBeUndefined();
    });

    test('rejects when the write is dead-lettered, even after the fact', async () => {
      const h = await createHarness();
      h.server.rejectWhen(() => ({ code: 'forbidden', message: 'no' }));
      const receipt = await h.put('a', 'one');
      const waiting = h.loop.whenSynced(receipt.id).catch((e: unknown) => e);
      h.loop.start();
      expect(isOutboxError(await waiting, 'dead-lettered')).toBe(true);
      const later = await h.loop.whenSynced(receipt.id).catch((e: unknown) => e);
      expect(isOutboxError(later, 'dead-lettered')).toBe(true);
    });
  });

  describe('drainOnce', () => {
    test('pushes until the outbox is empty and leaves no timer', async () => {
      const h = await createHarness({ policy: { maxBatchCount: 2 } });
      for (const k of ['a', 'b', 'c']) await h.store.put('notes', k, { text: k });
      expect(await h.loop.drainOnce()).toEqual({ remaining: 0 });
      expect(h.server.log).toEqual(['push:1,2 → ok,ok', 'push:3 → ok']);
      expect(h.clock.pending()).toEqual([]);
    });

    test('stops at the first failure and reports it with what remains', async () => {
      const h = await createHarness({ policy: { maxBatchCount: 2 } });
      for (const k of ['a', 'b', 'c']) await h.store.put('notes', k, { text: k });
      h.server.failNext({ pass: true }, { status: 503, code: 'service-unavailable' });
      expect(await h.loop.drainOnce()).toEqual({ remaining: 1, error: { code: 'service-unavailable', message: 'injected' } });
      expect(h.clock.pending()).toEqual([]);
      expect((await h.outbox())[0]).toMatchObject({ seq: 3, leaseUntil: null });
    });
  });

  describe('pause', () => {
    test('sends nothing while paused and catches up on resume', async () => {
      const h = await createHarness();
      h.loop.start();
      await h.loop.whenIdle();
      h.loop.setPaused(true);
      await h.put('a', 'one');
      await h.advance(600_000);
      expect(h.server.log).toEqual(['pull:- → 0']);
      expect(h.loop.status.current).toMatchObject({ phase: 'paused', pending: 1 });
      h.loop.setPaused(false);
      await h.loop.whenIdle();
      expect(h.server.log).toEqual(['pull:- → 0', 'push:1 → ok', 'pull:0 → 1']);
    });
  });
});
