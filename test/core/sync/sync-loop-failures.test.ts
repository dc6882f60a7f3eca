import { describe, expect, test } from 'vitest';
import { isOutboxError } from '../../../src/errors.ts';
import { claimBatch } from '../../../src/core/queue/claim-batch.ts';
import { createHarness, T0 } from './sync-harness.ts';

describe('SyncLoop', () => {
  describe('401', () => {
    test('refreshes credentials once and repeats the request', async () => {
      const calls: string[] = [];
      const h = await createHarness({
        auth: {
          refresh: async () => {
            calls.push('refresh');
            return true;
          },
        },
      });
      await h.put('a', 'one');
      h.server.failNext({ status: 401, code: 'token-expired' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(calls).toEqual(['refresh']);
      expect(h.server.log).toEqual(['push:1 → 401', 'push:1 → ok', 'pull:- → 1']);
    });

    test('enters auth-required when still refused, rejects flush, and resumes on setAuthChanged', async () => {
      let refreshes = 0;
      const h = await createHarness({
        auth: {
          refresh: async () => {
            refreshes++;
            return true;
          },
        },
      });
      await h.put('a', 'one');
      h.loop.start();
      await h.loop.whenIdle();
      h.loop.setPaused(true);
      await h.put('b', 'two');
      h.server.failNext({ status: 401, code: 'token-invalid' }, { status: 401, code: 'token-invalid' });
      const flushed = h.loop.flush().catch((e: unknown) => e);
      h.loop.setPaused(false);
      await h.loop.whenIdle();
      expect(refreshes).toBe(1);
      expect(h.loop.status.current).toMatchObject({ phase: 'auth-required', pending: 1, lastError: { code: 'auth-required' } });
      expect(isOutboxError(await flushed, 'auth-required')).toBe(true);
      // Nothing is tried while credentials are missing: no timer, kicks and time change nothing.
      expect(h.clock.pending()).toEqual([]);
      await h.put('c', 'three');
      await h.advance(600_000);
      expect(h.server.log.filter((l) => l.startsWith('push')).slice(-1)).toEqual(['push:2 → 401']);
      h.loop.setAuthChanged();
      await h.loop.whenIdle();
      expect(h.server.log.slice(-2)).toEqual(['push:2,3 → ok,ok', 'pull:1 → 2']);
      expect(h.loop.status.current.phase).toBe('idle');
    });

    test('a 401 to a request sent before the credentials changed does not leave the loop waiting for sign-in', async () => {
      const h = await createHarness();
      await h.put('a', 'one');
      // The first push is answered only once the test says so, with a 401 to the old credentials.
      h.server.failNext({ status: 401, code: 'token-missing' });
      const push = h.server.push.bind(h.server);
      let sent!: () => void;
      const inFlight = new Promise<void>((resolve) => {
        sent = resolve;
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let first = true;
      h.server.push = async (request) => {
        const outcome = await push(request);
        if (first) {
          first = false;
          sent();
          await released;
        }
        return outcome;
      };
      h.loop.start();
      await inFlight;
      h.loop.setAuthChanged();
      release();
      await h.loop.whenIdle();
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual(['push:1 → 401', 'push:1 → ok']);
      expect(h.loop.status.current).toMatchObject({ phase: 'idle', pending: 0 });
    });

    test('enters auth-required at once when no refresh hook is given', async () => {
      const h = await createHarness();
      await h.put('a', 'one');
      h.server.failNext({ status: 401, code: 'token-missing' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log).toEqual(['push:1 → 401']);
      expect(h.loop.status.current.phase).toBe('auth-required');
    });
  });

  describe('413', () => {
    test('halves the batch until the server accepts it', async () => {
      const h = await createHarness();
      for (const k of ['a', 'b', 'c', 'd', 'e']) await h.put(k, 'x'.repeat(100));
      h.server.maxBodyBytes = 600;
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual([
        'push:1,2,3,4,5 → 413',
        'push:1,2,3 → 413',
        'push:1,2 → ok,ok',
        'push:3,4 → ok,ok',
        'push:5 → ok',
      ]);
      expect(await h.deadLetters()).toEqual([]);
    });

    test('dead-letters a single write that is still too large with code too-large', async () => {
      const h = await createHarness();
      await h.put('a', 'small');
      await h.put('b', 'x'.repeat(2_000));
      await h.put('c', 'small');
      h.server.maxBodyBytes = 1_000;
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual([
        'push:1,2,3 → 413',
        'push:1,2 → 413',
        'push:1 → ok',
        'push:2 → 413',
        'push:3 → ok',
      ]);
      expect((await h.deadLetters()).map((l) => [l.write.key, l.reason, l.code])).toEqual([['b', 'too-large', 'too-large']]);
    });
  });

  describe('retention', () => {
    test('moves writes that kept failing past the retention limit to the dead-letter store', async () => {
      const day = 24 * 60 * 60 * 1000;
      const h = await createHarness({ random: () => 0.999, policy: { retentionMs: 7 * day, capMs: day } });
      await h.put('a', 'one');
      h.server.failNext(...Array.from({ length: 100 }, () => ({ status: 503 })));
      h.loop.start();
      await h.advance(7 * day - 1);
      expect(await h.deadLetters()).toEqual([]);
      expect((await h.outbox())[0]).toMatchObject({ firstFailedAt: T0 });
      await h.advance(day);
      const letters = await h.deadLetters();
      expect(letters.map((l) => [l.write.key, l.reason, l.code])).toEqual([['a', 'retention-expired', 'retention-expired']]);
      expect(letters[0]?.deadAt).toBeGreaterThanOrEqual(T0 + 7 * day);
      expect(await h.outbox()).toEqual([]);
      expect(h.loop.status.current).toMatchObject({ pending: 0, deadLetters: 1 });
    });
  });

  describe('lease', () => {
    test('leaves writes leased by a runner that died alone until the lease ends, then sends them', async () => {
      const h = await createHarness({ policy: { leaseMs: 60_000 } });
      await h.put('a', 'one');
      await h.put('b', 'two');
      // Another runner claimed the batch and died before it could settle or release it.
      const dead = await claimBatch(h.storage, { now: h.clock.now(), leaseMs: 60_000, maxCount: 500, maxBytes: 1 << 20 });
      expect(dead.writes.map((w) => w.seq)).toEqual([1, 2]);
      await h.put('c', 'three');
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual([]);
      expect(h.clock.pending()).toEqual([60_000]);
      await h.advance(60_000);
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual(['push:1,2,3 → ok,ok,ok']);
      expect(h.server.applied).toHaveLength(3);
    });
  });
});
