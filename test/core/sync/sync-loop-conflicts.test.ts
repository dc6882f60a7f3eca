import { describe, expect, test } from 'vitest';
import type { ConflictPolicy } from '../../../src/core/docs/define-collection.ts';
import { listConflicts } from '../../../src/core/queue/conflicts.ts';
import { isOutboxError } from '../../../src/errors.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import { createHarness } from './sync-harness.ts';

/** Synced 'a' at version 1; another client then writes version 2; our next write (based on 1) conflicts. */
async function conflictOn(conflict: ConflictPolicy<JsonValue>, remoteWrittenAt?: number) {
  const h = await createHarness({ conflict });
  h.loop.start();
  await h.put('a', 'mine-1');
  const other = h.server.writeAsOtherClient('notes', 'a', { text: 'theirs' }, remoteWrittenAt ?? h.clock.now());
  expect(other.version).toBe(2);
  h.clock.time += 1_000;
  await h.put('a', 'mine-2');
  return h;
}

describe('SyncLoop', () => {
  describe('conflicts', () => {
    test('server-wins drops the local write and takes the server document', async () => {
      const h = await conflictOn('server-wins');
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual(['push:1 → ok', 'push:2 → conflict']);
      expect(await h.outbox()).toEqual([]);
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'theirs' }, version: 2 });
      expect(h.remote.at(-1)).toEqual({
        collection: 'notes',
        key: 'a',
        op: 'put',
        value: { text: 'theirs' },
        version: 2,
        pendingWrites: 0,
        source: 'remote',
      });
      const [record] = await listConflicts(h.storage);
      expect(record).toMatchObject({
        policy: 'server-wins',
        decision: 'server-won',
        local: { text: 'mine-2' },
        remote: { text: 'theirs' },
        remoteVersion: 2,
        result: { text: 'theirs' },
      });
      expect(h.loop.status.current.conflicts).toBe(1);
    });

    test('client-wins sends the local value again on top of the server version', async () => {
      const h = await conflictOn('client-wins');
      expect(h.server.log.filter((l) => l.startsWith('push'))).toEqual(['push:1 → ok', 'push:2 → conflict', 'push:3 → ok']);
      expect(h.server.doc('notes', 'a')).toMatchObject({ value: { text: 'mine-2' }, version: 3 });
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'mine-2' }, version: 3, pendingWrites: 0 });
      expect((await listConflicts(h.storage)).map((c) => [c.policy, c.decision])).toEqual([['client-wins', 'client-won']]);
    });

    test('last-writer-wins keeps the local write when it was made after the server document', async () => {
      const h = await conflictOn('last-writer-wins');
      expect(h.server.doc('notes', 'a')).toMatchObject({ value: { text: 'mine-2' }, version: 3 });
      expect((await listConflicts(h.storage)).map((c) => c.decision)).toEqual(['client-won']);
    });

    test('last-writer-wins takes the server document when it was written later', async () => {
      const h = await conflictOn('last-writer-wins', Number.MAX_SAFE_INTEGER);
      expect(h.server.doc('notes', 'a')).toMatchObject({ value: { text: 'theirs' }, version: 2 });
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'theirs' }, version: 2 });
      expect((await listConflicts(h.storage)).map((c) => c.decision)).toEqual(['server-won']);
    });

    test('a merge function sends its result as a new write', async () => {
      const merge = ({ local, remote }: { local: JsonValue | null; remote: JsonValue | null }) => ({
        text: `${(local as { text: string }).text}+${(remote as { text: string }).text}`,
      });
      const h = await conflictOn({ merge });
      expect(h.server.doc('notes', 'a')).toMatchObject({ value: { text: 'mine-2+theirs' }, version: 3 });
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: 'mine-2+theirs' }, version: 3 });
      // The first write's ack, the merge (its new write pending on version 2), and that write's ack.
      expect(h.remote.map((c) => [c.value, c.version, c.pendingWrites])).toEqual([
        [{ text: 'mine-1' }, 1, 0],
        [{ text: 'mine-2+theirs' }, 2, 1],
        [{ text: 'mine-2+theirs' }, 3, 0],
      ]);
      expect((await listConflicts(h.storage)).map((c) => [c.policy, c.decision])).toEqual([['merge', 'merged']]);
    });

    test('dead-letters the write when the merge function throws or returns an invalid value', async () => {
      const h = await conflictOn({
        merge: () => {
          throw new Error('cannot merge');
        },
      });
      expect((await h.deadLetters()).map((l) => [l.reason, l.code])).toEqual([['conflict', 'conflict-merge-failed']]);
      const bad = await conflictOn({ merge: () => ({ nope: 1 }) });
      expect((await bad.deadLetters()).map((l) => l.code)).toEqual(['conflict-merge-failed']);
    });

    test('lets the app dismiss a recorded conflict', async () => {
      const h = await conflictOn('server-wins');
      const [record] = await listConflicts(h.storage);
      await h.loop.dismissConflict(record?.id ?? '');
      expect(await listConflicts(h.storage)).toEqual([]);
      expect(h.loop.status.current.conflicts).toBe(0);
      const again = await h.loop.dismissConflict(record?.id ?? '').catch((e: unknown) => e);
      expect(isOutboxError(again, 'not-found')).toBe(true);
    });

    test("does not conflict with this client's own earlier writes", async () => {
      const h = await createHarness({ conflict: 'server-wins' });
      for (const t of ['1', '2', '3']) await h.store.put('notes', 'a', { text: t });
      h.loop.start();
      await h.loop.whenIdle();
      expect(h.server.log[0]).toBe('push:1,2,3 → ok,ok,ok');
      expect(await h.store.get('notes', 'a')).toMatchObject({ value: { text: '3' }, version: 3 });
    });
  });
});
