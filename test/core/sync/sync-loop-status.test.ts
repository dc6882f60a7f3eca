import { describe, expect, test } from 'vitest';
import type { SyncStatus } from '../../../src/protocol/sync-status.ts';
import { createHarness, T0 } from './sync-harness.ts';

const brief = (s: SyncStatus) =>
  [
    s.phase,
    `pending=${s.pending}`,
    `inFlight=${s.inFlight}`,
    `progress=${s.progress === null ? '-' : `${s.progress.done}/${s.progress.total}`}`,
    `online=${s.online}`,
    `error=${s.lastError?.code ?? '-'}`,
    `retryAt=${s.nextRetryAt === null ? '-' : s.nextRetryAt - T0}`,
    `synced=${s.lastSyncedAt === null ? '-' : s.lastSyncedAt - T0}`,
  ].join(' ');

describe('SyncLoop', () => {
  describe('status', () => {
    test('gives a subscriber the snapshot at once and then every step of a drain with one failure', async () => {
      const h = await createHarness({ random: () => 0.5, policy: { maxBatchCount: 2 } });
      const seen: string[] = [];
      h.loop.subscribe((s) => seen.push(brief(s)));
      for (const k of ['a', 'b', 'c']) await h.store.put('notes', k, { text: k });
      await h.loop.whenIdle();
      h.server.failNext({ network: true });
      h.loop.start();
      await h.loop.whenIdle();
      await h.advance(500);
      expect(seen).toEqual([
        'idle pending=0 inFlight=0 progress=- online=unknown error=- retryAt=- synced=-',
        'idle pending=1 inFlight=0 progress=- online=unknown error=- retryAt=- synced=-',
        'idle pending=2 inFlight=0 progress=- online=unknown error=- retryAt=- synced=-',
        'idle pending=3 inFlight=0 progress=- online=unknown error=- retryAt=- synced=-',
        'idle pending=3 inFlight=0 progress=0/3 online=unknown error=- retryAt=- synced=-',
        'pushing pending=3 inFlight=2 progress=0/3 online=unknown error=- retryAt=- synced=-',
        'offline pending=3 inFlight=0 progress=0/3 online=false error=network-error retryAt=500 synced=-',
        'pushing pending=3 inFlight=2 progress=0/3 online=false error=network-error retryAt=- synced=-',
        'pushing pending=1 inFlight=0 progress=2/3 online=true error=- retryAt=- synced=-',
        'pushing pending=1 inFlight=1 progress=2/3 online=true error=- retryAt=- synced=-',
        'pushing pending=0 inFlight=0 progress=3/3 online=true error=- retryAt=- synced=-',
        'pulling pending=0 inFlight=0 progress=3/3 online=true error=- retryAt=- synced=-',
        'idle pending=0 inFlight=0 progress=- online=true error=- retryAt=- synced=500',
      ]);
    });

    test('counts dead letters, conflicts and discards, and shows auth-required and paused', async () => {
      const h = await createHarness({ conflict: 'server-wins' });
      h.server.rejectWhen((w) => (w.key === 'x' ? { code: 'forbidden', message: 'no' } : undefined));
      h.loop.start();
      await h.put('x', 'bad');
      await h.put('a', 'one');
      h.server.writeAsOtherClient('notes', 'a', { text: 'theirs' });
      await h.put('a', 'two');
      expect(h.loop.status.current).toMatchObject({ deadLetters: 1, conflicts: 1, discarded: 0 });
      const [letter] = await h.deadLetters();
      await h.loop.discardDeadLetter(letter?.id ?? ('' as never));
      expect(h.loop.status.current).toMatchObject({ deadLetters: 0, discarded: 1 });
      h.loop.setPaused(true);
      expect(h.loop.status.current.phase).toBe('paused');
      h.server.failNext({ status: 401, code: 'token-expired' });
      h.loop.setPaused(false);
      await h.loop.whenIdle();
      expect(h.loop.status.current).toMatchObject({ phase: 'auth-required', lastError: { code: 'auth-required' } });
      expect(structuredClone(h.loop.status.current)).toEqual(h.loop.status.current);
    });
  });
});
