import * as Comlink from 'comlink';
import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../src/core/docs/local-store.ts';
import { openIdbOutboxStorage } from '../../src/core/storage/idb-outbox-storage.ts';
import { type JsonValue, jsonValueSchema, MAX_VALUE_DEPTH } from '../../src/protocol/json-value.ts';

const any = defineCollection({ name: 'any', schema: jsonValueSchema });
const records = defineCollection({ name: 'records', schema: z.record(z.string(), jsonValueSchema) });
const freshName = () => `values-${Math.random().toString(36).slice(2)}`;

/** What `JSON.parse('{"__proto__":{"a":1},"b":2,"c":[{"__proto__":{"constructor":3}}]}')` builds. */
const TEXT = '{"__proto__":{"a":1},"b":2,"c":[{"__proto__":{"constructor":3}}]}';

describe('document values on real IndexedDB (Chromium)', () => {
  test('a __proto__ key survives put → IndexedDB → get, and a reopened database', async () => {
    const name = freshName();
    const storage = await openIdbOutboxStorage(name);
    const store = await LocalStore.open({ storage, collections: [any, records] });
    await store.put('any', 'p', JSON.parse(TEXT));
    await store.put('records', 'p', JSON.parse(TEXT));
    await store.close();
    const reopened = await LocalStore.open({ storage: await openIdbOutboxStorage(name), collections: [any, records] });
    for (const collection of ['any', 'records']) {
      const doc = await reopened.get(collection, 'p');
      expect(JSON.stringify(doc?.value)).toBe(TEXT);
      expect(Object.hasOwn(doc?.value as object, '__proto__')).toBe(true);
    }
    await reopened.close();
  });

  test('a __proto__ key survives the structured clone of a Comlink call, as page → worker puts cross', async () => {
    // The worker entry exposes the store over Comlink; a MessageChannel runs the same clone both ways.
    const storage = await openIdbOutboxStorage(freshName());
    const store = await LocalStore.open({ storage, collections: [any] });
    const { port1, port2 } = new MessageChannel();
    Comlink.expose(
      { put: (k: string, v: JsonValue) => store.put('any', k, v).then(() => undefined), get: (k: string) => store.get('any', k) },
      port1,
    );
    const remote = Comlink.wrap<{ put(k: string, v: JsonValue): Promise<void>; get(k: string): Promise<{ value: JsonValue }> }>(
      port2,
    );
    await remote.put('p', JSON.parse(TEXT));
    const doc = await remote.get('p');
    expect(JSON.stringify(doc.value)).toBe(TEXT);
    port2.close();
    await store.close();
  });

  test(`refuses a value nested ${MAX_VALUE_DEPTH + 1} deep and 100,000 deep with value-too-deep`, async () => {
    const store = await LocalStore.open({ storage: await openIdbOutboxStorage(freshName()), collections: [any] });
    for (const depth of [MAX_VALUE_DEPTH + 1, 100_000]) {
      let value: JsonValue = 1;
      for (let i = 0; i < depth; i++) value = [value];
      await expect(store.put('any', 'deep', value)).rejects.toMatchObject({ code: 'value-too-deep' });
    }
    expect(await store.get('any', 'deep')).toBeUndefined();
    await store.close();
  });
});
