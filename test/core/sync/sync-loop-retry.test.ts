import { describe, expect, test } from 'vitest';
import { createHarness, T0 } from './sync-harness.ts';

describe('SyncLoop', () => {
  describe('retry', () => {
    test('backs off with full jitter, doubling the window up to the cap', async () => {
      const h = await createHarness({ random: () => 0.999, policy: { baseMs: 100, capMs: 1_000 } });
      await h.put('a', 'one');
      h.server.failNext(...Array.from({ length: 7 }, () => ({ status: 503 })));
      h.loop.start();
      const delays: number[] = [];
      for (let i = 0; i < 7; i++) {
        await h.loop.whenIdle();
        const s = h.loop.status.current;
        expect(s.phase).toBe('backoff');
        delays.push((s.nextRetryAt ?? 0) - h.clock.now());
        await h.advance(delays.at(-1) ?? 0);
      }
      expect(delays).toEqual([99, 199, 399, 799, 999, 999, 999]);
      expect(h.server.log.at(-2)).toBe('push:1 → ok');
    });

    test('draws each delay from [0, window) with the injected random source', async () => {
      const draws = [0, 0.25, 0.5];
      const h = await createHarness({ random: () => draws.shift() ?? 0, policy: { baseMs: 1_000, capMs: 60_000 } });
      await h.put('a', 'one');
      h.server.failNext({ status: 500 }, { status: 502 }, { status: 504 });
      h.loop.start();
      const seen: number[] = [];
      for (let i = 0; i < 3; i++) {
        await h.loop.whenIdle();
        seen.push((h.loop.status.current.nextRetryAt ?? 0) - h.clock.now());
        await h.advance(seen.at(-1) ?? 0);
      }
      expect(seen).toEqual([0, 500, 2_000]);
    });

    test('honours Retry-After in seconds as a floor over the jittered delay', async () => {
      const h = await createHarness({ random: () => 0 });
      await h.put('a', 'one');
      h.server.failNext({ status: 429, code: 'rate-limited', retryAfter: '30' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.loop.status.current).toMatchObject({
        phase: 'backoff',
        nextRetryAt: T0 + 30_000,
        lastError: { code: 'rate-limited' },
      });
      await h.advance(29_999);
      expect(h.server.log).toEqual(['push:1 → 429']);
      await h.advance(1);
      expect(h.server.log.slice(1)).toEqual(['push:1 → ok', 'pull:- → 1']);
    });

    test('honours Retry-After as an HTTP date', async () => {
      const h = await createHarness({ random: () => 0 });
      await h.put('a', 'one');
      const date = new Date(T0 + 90_000).toUTCString();
      h.server.failNext({ status: 503, retryAfter: date });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.clock.pending()).toEqual([90_000]);
      await h.advance(90_000);
      expect(h.server.log).toEqual(['push:1 → 503', 'push:1 → ok', 'pull:- → 1']);
    });

    test('retries on its own timer after failures with no new writes (no stall)', async () => {
      const h = await createHarness({ random: () => 0.5 });
      await h.put('a', 'one');
      h.server.failNext({ network: true }, { timeout: true }, { status: 408 }, { status: 425 }, { status: 500 });
      h.loop.start();
      await h.advance(60_000);
      expect(h.server.log).toEqual([
        'push:1 → network',
        'push:1 → timeout',
        'push:1 → 408',
        'push:1 → 425',
        'push:1 → 500',
        'push:1 → ok',
        'pull:- → 1',
      ]);
      expect(h.loop.status.current).toMatchObject({ phase: 'idle', pending: 0, lastError: null });
    });

    test('shows offline after a network failure and keeps retrying', async () => {
      const h = await createHarness({ random: () => 0.5 });
      await h.put('a', 'one');
      h.server.failNext({ network: true });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.loop.status.current).toMatchObject({ phase: 'offline', online: false, lastError: { code: 'network-error' } });
      await h.advance(500);
      expect(h.loop.status.current).toMatchObject({ phase: 'idle', online: true, pending: 0 });
    });

    test('does not push new writes during a backoff; the retry timer sends them', async () => {
      const h = await createHarness({ random: () => 0.5 });
      await h.put('a', 'one');
      h.server.failNext({ status: 503 });
      h.loop.start();
      await h.loop.whenIdle();
      await h.put('b', 'two');
      expect(h.server.log).toEqual(['push:1 → 503']);
      await h.advance(500);
      expect(h.server.log).toEqual(['push:1 → 503', 'push:1,2 → ok,ok', 'pull:- → 2']);
    });

    test('resets the backoff and pushes at once when the page reports online', async () => {
      const h = await createHarness({ random: () => 0.999, policy: { baseMs: 1_000, capMs: 300_000 } });
      await h.put('a', 'one');
      h.server.failNext({ network: true }, { network: true }, { network: true }, { network: true });
      h.loop.start();
      await h.advance(7_000);
      // Attempts at 0, 999, 2997, 6993 ms; the fourth failure waits 7992 ms (window 8 s), until 14985 ms.
      expect(h.clock.pending()).toEqual([7_985]);
      h.loop.setOnline(true);
      await h.loop.whenIdle();
      expect(h.server.log.slice(-2)).toEqual(['push:1 → ok', 'pull:- → 1']);
      expect(h.clock.pending()).toEqual([]);
      // The next failure starts again from the base window.
      await h.put('b', 'two');
      h.server.failNext({ status: 503 });
      await h.put('c', 'three');
      await h.loop.whenIdle();
      expect(h.server.log.at(-1)).toBe('push:3 → 503');
      expect(h.clock.pending()).toEqual([999]);
    });

    test('pushes at once, without waiting out the backoff, when a page becomes visible', async () => {
      const h = await createHarness({ random: () => 0.999, policy: { baseMs: 1_000, capMs: 300_000 } });
      await h.put('a', 'one');
      h.server.failNext({ status: 503 }, { status: 503 });
      h.loop.start();
      await h.advance(1_500);
      // Attempts at 0 and 999 ms; the second failure waits 1998 ms.
      expect(h.server.log).toEqual(['push:1 → 503', 'push:1 → 503']);
      h.loop.setVisible(true);
      await h.loop.whenIdle();
      expect(h.server.log.slice(-2)).toEqual(['push:1 → ok', 'pull:- → 1']);
    });

    test('treats a 200 that breaks the protocol as transient and keeps the writes', async () => {
      const h = await createHarness({ random: () => 0.5 });
      await h.put('a', 'one');
      h.server.failNext({ status: 302 });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.loop.status.current).toMatchObject({ phase: 'backoff', lastError: { code: 'protocol-error' }, pending: 1 });
      const [write] = await h.outbox();
      expect(write).toMatchObject({ leaseUntil: null, attempts: 1, firstFailedAt: T0, lastError: { code: 'protocol-error' } });
    });
  });
});
