import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { applyPullPage, PULL_CURSOR_META_KEY } from '../../../src/core/queue/apply-pull-page.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { Change } from '../../../src/protocol/pull-messages.ts';
import { PROTOCOL_VERSION } from '../../../src/protocol/push-messages.ts';
import { checkProperty } from '../../support/property.ts';

/** Version 3 of a todo: version 1 was `{ text }`, version 2 added `done`, version 3 renamed `text` to `title`. */
const todos = defineCollection({
  name: 'todos',
  version: 3,
  schema: z.strictObject({ title: z.string(), done: z.boolean() }) as z.ZodType<JsonValue>,
  migrate: ((value: JsonValue, from: number) => {
    const v = value as { text?: string; title?: string; done?: boolean };
    if (from === 1) return { title: v.text, done: false };
    if (from === 2) return { title: v.text, done: v.done };
    return value;
  }) as never,
});

const change = (key: string, value: JsonValue, version = 1): Change => ({
  collection: 'todos',
  key,
  op: 'put',
  value,
  version,
  writtenAt: 1,
});

async function open() {
  const storage = createMemoryOutboxStorage(`pull-${Math.random()}`);
  const store = await LocalStore.open({ storage, collections: [todos] });
  const apply = (changes: Change[], cursor = 'c1') =>
    applyPullPage(
      storage,
      { protocol: PROTOCOL_VERSION, changes, cursor, hasMore: false },
      {
        now: 9,
        collection: (name) => (name === 'todos' ? todos : undefined),
      },
    );
  const quarantined = () => storage.transact('readonly', (tx) => tx.listQuarantined());
  const cursor = () => storage.transact('readonly', (tx) => tx.getMeta(PULL_CURSOR_META_KEY));
  return { storage, store, apply, quarantined, cursor };
}

describe('applyPullPage', () => {
  test('migrates a pulled value written under an older schema version and stores it under the current one', async () => {
    const { storage, apply } = await open();
    await apply([
      change('v1', { text: 'milk' }),
      change('v2', { text: 'eggs', done: true }),
      change('v3', { title: 'tea', done: false }),
    ]);
    const docs = await storage.transact('readonly', (tx) => tx.listDocs('todos', undefined, 10));
    expect(docs.map((d) => [d.key, d.value, d.schemaVersion])).toEqual([
      ['v1', { title: 'milk', done: false }, 3],
      ['v2', { title: 'eggs', done: true }, 3],
      ['v3', { title: 'tea', done: false }, 3],
    ]);
  });

  test('does not store a pulled value that neither matches nor migrates; quarantines it with pulled-doc-invalid and goes on', async () => {
    const { store, apply, quarantined, cursor } = await open();
    await apply([change('a', { title: 'kept', done: false })], 'c0');
    const emitted = await apply([change('a', { title: 42 }, 2), change('b', { title: 'fine', done: true })], 'c1');
    expect(emitted.map((c) => c.key)).toEqual(['b']);
    expect((await store.get('todos', 'a'))?.value).toEqual({ title: 'kept', done: false });
    expect((await store.get('todos', 'b'))?.value).toEqual({ title: 'fine', done: true });
    expect(await cursor()).toBe('c1');
    expect(await quarantined()).toMatchObject([
      { code: 'pulled-doc-invalid', store: 'pull', key: 'todos/a', raw: { key: 'a', value: { title: 42 }, version: 2 } },
    ]);
  });

  test('stores no pulled value that does not match the schema, whatever the server sends', async () => {
    await checkProperty(
      50,
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const { store, apply, quarantined } = await open();
        await apply([change('k', value as JsonValue)]);
        const doc = await store.get('todos', 'k');
        const listed = await quarantined();
        // Either stored in the current shape, or quarantined as it came: never both, never neither.
        if (doc === undefined) expect(listed.map((r) => r.code)).toEqual(['pulled-doc-invalid']);
        else {
          expect(todos.schema.safeParse(doc.value).success).toBe(true);
          expect(listed).toEqual([]);
        }
      }),
    );
  });
});
