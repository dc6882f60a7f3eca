import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { ConflictPolicy } from '../../../src/core/docs/define-collection.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { DocChange, DocSnapshot } from '../../../src/protocol/outbox-api.ts';
import { checkProperty } from '../../support/property.ts';
import { createHarness, type Harness } from './sync-harness.ts';

/** What a watcher last saw of each key, as `get` would answer it (undefined: absent). */
function lastSeen(h: Harness): Map<string, DocSnapshot | undefined> {
  const seen = new Map<string, DocSnapshot | undefined>();
  h.store.watch('notes', (changes: DocChange[]) => {
    for (const c of changes) {
      const snapshot = { key: c.key, value: c.value as JsonValue, version: c.version, pendingWrites: c.pendingWrites };
      seen.set(c.key, c.op === 'delete' ? undefined : snapshot);
    }
  });
  return seen;
}

const KEYS = ['a', 'b'] as const;

/** The fake server refuses writes of this value. */
const isBad = (value: unknown): boolean => (value as { text?: unknown } | undefined)?.text === 'bad';

type Step =
  | { readonly kind: 'put'; readonly key: string; readonly text: string }
  | { readonly kind: 'delete'; readonly key: string }
  | { readonly kind: 'other'; readonly key: string; readonly text: string | null }
  | { readonly kind: 'sync' }
  | { readonly kind: 'discard' }
  | { readonly kind: 'retry' };

const key = fc.constantFrom(...KEYS);
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), key, text: fc.constantFrom('x', 'y', 'bad') }),
  fc.record({ kind: fc.constant('delete' as const), key }),
  fc.record({ kind: fc.constant('other' as const), key, text: fc.constantFrom('theirs', null) }),
  fc.constant({ kind: 'sync' as const }),
  fc.constant({ kind: 'discard' as const }),
  fc.constant({ kind: 'retry' as const }),
);
const policy: fc.Arbitrary<ConflictPolicy<JsonValue>> = fc.constantFrom<ConflictPolicy<JsonValue>>(
  'server-wins',
  'client-wins',
  'last-writer-wins',
  {
    merge: ({ local, remote }) => ({
      text: `${(local as { text?: string } | null)?.text}+${(remote as { text?: string } | null)?.text}`,
    }),
  },
);

/** Runs one step with the loop paused between syncs, so writes stay pending until a `sync` step. */
async function run(h: Harness, s: Step): Promise<void> {
  if (s.kind === 'put') await h.store.put('notes', s.key, { text: s.text });
  else if (s.kind === 'delete') await h.store.delete('notes', s.key);
  else if (s.kind === 'other') h.server.writeAsOtherClient('notes', s.key, s.text === null ? null : { text: s.text });
  else if (s.kind === 'sync') {
    h.loop.setPaused(false);
    await h.loop.whenIdle();
    h.loop.setPaused(true);
  } else if (s.kind === 'discard') {
    const [first] = await h.outbox();
    if (first !== undefined) await h.loop.discardPending(first.id);
  } else {
    const [letter] = await h.deadLetters();
    if (letter !== undefined) await h.loop.retryDeadLetter(letter.write.id as WriteId).catch(() => undefined);
  }
  h.clock.time += 1_000;
  await h.loop.whenIdle();
}

describe('SyncLoop', () => {
  describe('watch', () => {
    test('fires with the acknowledged snapshot when the server applies a write', async () => {
      const h = await createHarness();
      const seen: DocChange[] = [];
      h.store.watch('notes', (changes) => seen.push(...changes));
      await h.store.put('notes', 'a', { text: 'hello' });
      expect(seen.at(-1)).toMatchObject({ key: 'a', version: null, pendingWrites: 1, source: 'local' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(await h.store.get('notes', 'a')).toMatchObject({ version: 1, pendingWrites: 0 });
      expect(seen.at(-1)).toEqual({
        collection: 'notes',
        key: 'a',
        op: 'put',
        value: { text: 'hello' },
        version: 1,
        pendingWrites: 0,
        source: 'remote',
      });
    });

    test('fires when the server rejects a write, when it is retried, and when a pending write is discarded', async () => {
      const h = await createHarness();
      h.server.rejectWhen((w) => (isBad(w.value) ? { code: 'bad', message: 'no' } : undefined));
      const seen: DocChange[] = [];
      h.store.watch('notes', (changes) => seen.push(...changes));
      await h.store.put('notes', 'a', { text: 'bad' });
      h.loop.start();
      await h.loop.whenIdle();
      expect(seen.at(-1)).toMatchObject({ key: 'a', pendingWrites: 0, version: null, source: 'remote' });
      h.loop.setPaused(true);
      const [letter] = await h.deadLetters();
      await h.loop.retryDeadLetter(letter?.write.id as WriteId);
      expect(seen.at(-1)).toMatchObject({ key: 'a', pendingWrites: 1, source: 'local' });
      const [pending] = await h.outbox();
      await h.loop.discardPending(pending?.id as WriteId);
      expect(seen.at(-1)).toMatchObject({ key: 'a', pendingWrites: 0, source: 'local' });
    });

    test('the last snapshot a watcher saw equals get() after any writes, acks, pulls, conflicts and dead letters', async () => {
      await checkProperty(
        60,
        fc.asyncProperty(policy, fc.boolean(), fc.array(step, { maxLength: 14 }), async (conflict, coalesce, steps) => {
          const h = await createHarness({ conflict, coalesce });
          h.server.rejectWhen((w) => (isBad(w.value) ? { code: 'bad', message: 'no' } : undefined));
          const seen = lastSeen(h);
          h.loop.start();
          await h.loop.whenIdle();
          h.loop.setPaused(true);
          for (const s of [...steps, { kind: 'sync' } as const]) {
            await run(h, s);
            for (const k of KEYS) expect(seen.get(k), `${k} after ${JSON.stringify(s)}`).toEqual(await h.store.get('notes', k));
          }
        }),
      );
    });
  });
});
