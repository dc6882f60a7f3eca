import { describe, expect, test } from 'vitest';
import { isOutboxError } from '../../../src/errors.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import { createHarness } from './sync-harness.ts';

async function harnessWithRejectedWrite() {
  const h = await createHarness();
  let rejecting = true;
  h.server.rejectWhen((w) => (rejecting && w.key === 'a' ? { code: 'forbidden', message: 'not now' } : undefined));
  const receipt = await h.put('a', 'bad');
  h.loop.start();
  await h.loop.whenIdle();
  const [letter] = await h.deadLetters();
  if (letter === undefined) throw new Error('expected a dead letter');
  return {
    h,
    receipt,
    letter,
    stopRejecting: () => {
      rejecting = false;
    },
  };
}

describe('SyncLoop', () => {
  describe('dead letters', () => {
    test('retries a dead letter as a new write with a new id and seq', async () => {
      const { h, receipt, letter, stopRejecting } = await harnessWithRejectedWrite();
      stopRejecting();
      const retried = await h.loop.retryDeadLetter(letter.id);
      await h.loop.whenIdle();
      expect(retried.id).not.toBe(receipt.id);
      expect(retried.seq).toBeGreaterThan(receipt.seq);
      expect(await h.deadLetters()).toEqual([]);
      expect(h.server.doc('notes', 'a')).toMatchObject({ value: { text: 'bad' }, version: 1 });
      expect(h.loop.status.current).toMatchObject({ pending: 0, deadLetters: 0 });
    });

    test('retries an edited dead letter after validating the value with the collection schema', async () => {
      const { h, letter, stopRejecting } = await harnessWithRejectedWrite();
      const invalid = await h.loop.retryDeadLetter(letter.id, { value: { text: 42 } }).catch((e: unknown) => e);
      expect(isOutboxError(invalid, 'invalid-value')).toBe(true);
      expect(await h.deadLetters()).toHaveLength(1);
      stopRejecting();
      await h.loop.retryDeadLetter(letter.id, { value: { text: 'fixed' } });
      await h.loop.whenIdle();
      expect(h.server.doc('notes', 'a')?.value).toEqual({ text: 'fixed' });
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'fixed' }, version: 1 });
    });

    test('discards a dead letter for good and counts it', async () => {
      const { h, letter } = await harnessWithRejectedWrite();
      await h.loop.discardDeadLetter(letter.id);
      expect(await h.deadLetters()).toEqual([]);
      expect(h.loop.status.current).toMatchObject({ deadLetters: 0, discarded: 1 });
      const again = await h.loop.discardDeadLetter(letter.id).catch((e: unknown) => e);
      expect(isOutboxError(again, 'not-found')).toBe(true);
    });

    test('moves a discarded pending write to the dead-letter store instead of deleting it', async () => {
      const h = await createHarness();
      const receipt = await h.put('a', 'one');
      const waiting = h.loop.whenSynced(receipt.id).catch((e: unknown) => e);
      await h.loop.discardPending(receipt.id);
      expect(isOutboxError(await waiting, 'dead-lettered')).toBe(true);
      expect((await h.deadLetters()).map((l) => [l.id, l.reason, l.code])).toEqual([
        [receipt.id, 'discarded-by-user', 'discarded-by-user'],
      ]);
      const missing = await h.loop.discardPending('0'.repeat(32) as WriteId).catch((e: unknown) => e);
      expect(isOutboxError(missing, 'not-found')).toBe(true);
    });
  });
});
