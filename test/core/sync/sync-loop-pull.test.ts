import { describe, expect, test } from 'vitest';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { PULL_CURSOR_META_KEY, readPullCursor } from '../../../src/core/queue/apply-pull-page.ts';
import { createHarness } from './sync-harness.ts';

describe('SyncLoop', () => {
  describe('pull', () => {
    test('pages through the changes and stores the cursor with each page', async () => {
      const h = await createHarness({ policy: { pullLimit: 2 } });
      for (const k of ['a', 'b', 'c', 'd', 'e']) h.server.writeAsOtherClient('notes', k, { text: k });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log).toEqual(['pull:- → 2+', 'pull:2 → 2+', 'pull:4 → 1']);
      expect(await readPullCursor(h.storage)).toBe('5');
      const page = await h.store.list('notes');
      expect(page.items.map((d) => [d.key, d.value, d.version])).toEqual([
        ['a', { text: 'a' }, 1],
        ['b', { text: 'b' }, 1],
        ['c', { text: 'c' }, 1],
        ['d', { text: 'd' }, 1],
        ['e', { text: 'e' }, 1],
      ]);
      expect(h.remote.map((c) => c.key)).toEqual(['a', 'b', 'c', 'd', 'e']);
    });

    test('resumes from the stored cursor after a failure mid-way', async () => {
      const h = await createHarness({ policy: { pullLimit: 2 }, random: () => 0.5 });
      for (const k of ['a', 'b', 'c', 'd']) h.server.writeAsOtherClient('notes', k, { text: k });
      h.server.failNext({ pass: true }, { status: 503 });
      h.loop.start();
      await h.loop.whenIdle();
      expect(await readPullCursor(h.storage)).toBe('2');
      expect((await h.store.list('notes')).items.map((d) => d.key)).toEqual(['a', 'b']);
      await h.advance(500);
      expect(h.server.log).toEqual(['pull:- → 2+', 'pull:2 → 503', 'pull:2 → 2']);
      expect(await readPullCursor(h.storage)).toBe('4');
    });

    test('does not overwrite documents that have pending local writes', async () => {
      const h = await createHarness();
      h.server.writeAsOtherClient('notes', 'a', { text: 'theirs' });
      h.server.writeAsOtherClient('notes', 'b', { text: 'theirs' });
      await h.store.put('notes', 'a', { text: 'mine' });
      h.loop.setPaused(true);
      h.loop.start();
      // Pull alone while the write is held back by a lease of another runner.
      const storage = h.storage;
      await storage.transact('readwrite', async (tx) => {
        const [w] = await tx.listWrites(0, 1);
        if (w) await tx.putWrite({ ...w, leaseUntil: h.clock.now() + 60_000 });
      });
      h.loop.setPaused(false);
      await h.loop.whenIdle();
      expect(h.server.log).toEqual(['pull:- → 2']);
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'mine' }, version: null, pendingWrites: 1 });
      expect(await h.store.get('notes', 'b')).toMatchObject({ value: { text: 'theirs' }, version: 1 });
    });

    test('applies remote deletes', async () => {
      const h = await createHarness();
      h.server.writeAsOtherClient('notes', 'a', { text: 'x' });
      h.loop.start();
      await h.loop.whenIdle();
      h.server.writeAsOtherClient('notes', 'a', null);
      h.loop.setVisible(true);
      await h.loop.whenIdle();
      expect(await h.store.get('notes', 'a')).toBeUndefined();
      expect(h.remote.map((c) => c.op)).toEqual(['put', 'delete']);
    });

    test('pulls on the interval only while a page is visible', async () => {
      const h = await createHarness({ visible: true, policy: { pullIntervalMs: 10_000 } });
      h.loop.start();
      await h.advance(25_000);
      expect(h.server.log).toEqual(['pull:- → 0', 'pull:0 → 0', 'pull:0 → 0']);
      h.loop.setVisible(false);
      await h.advance(100_000);
      expect(h.server.log).toHaveLength(3);
      expect(h.clock.pending()).toEqual([]);
      h.loop.setVisible(true);
      await h.loop.whenIdle();
      expect(h.server.log).toHaveLength(4);
      expect(h.clock.pending()).toEqual([10_000]);
    });

    test('keeps the cursor in the meta store', async () => {
      const storage = createMemoryOutboxStorage();
      await storage.transact('readwrite', (tx) => tx.putMeta(PULL_CURSOR_META_KEY, 'abc'));
      expect(await readPullCursor(storage)).toBe('abc');
    });
  });
});
