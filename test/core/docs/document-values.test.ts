import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { issueToken } from '../../../server/auth/hmac-token.ts';
import { createApp } from '../../../server/create-app.ts';
import { openSyncStore } from '../../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../../server/store/sync-store.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import { createFetchTransport } from '../../../src/core/sync/fetch-transport.ts';
import { SyncLoop } from '../../../src/core/sync/sync-loop.ts';
import { randomId } from '../../../src/protocol/ids.ts';
import { type JsonValue, jsonValueSchema, MAX_VALUE_DEPTH } from '../../../src/protocol/json-value.ts';
import { rejectionOf } from '../../contracts/outbox-storage.contract.ts';
import { anyJsonValue, jsonText, nested, objectOf } from '../../support/json-arbitraries.ts';
import { checkProperty } from '../../support/property.ts';
import { storages } from './store-fixtures.ts';

const any = defineCollection({ name: 'any', schema: jsonValueSchema });
const records = defineCollection({ name: 'records', schema: z.record(z.string(), jsonValueSchema) });
const loose = defineCollection({
  name: 'loose',
  schema: z.looseObject({ title: z.string() }) as unknown as z.ZodType<JsonValue>,
});
const collections = [any, records, loose];

/** `{"__proto__":{"a":1},"b":2}` as JSON.parse builds it: `__proto__` an own key, not the prototype. */
const withProto = (): JsonValue =>
  objectOf([
    ['__proto__', objectOf([['a', 1]])],
    ['b', 2],
    ['c', [objectOf([['__proto__', objectOf([['constructor', 3]])]])]],
  ]);

const open = (storage: OutboxStorage) => LocalStore.open({ storage, collections });

describe.each(storages)('document values in LocalStore (%s)', (_label, makeStorage) => {
  test('get returns every JSON value exactly as it was put', async () => {
    const store = await open(await makeStorage());
    await checkProperty(
      60,
      fc.asyncProperty(anyJsonValue(90), async (value) => {
        await store.put('any', 'k', value);
        expect(jsonText((await store.get('any', 'k'))?.value)).toBe(jsonText(value));
      }),
    );
  });

  test('an export imported into another store holds every value exactly as it was put', async () => {
    await checkProperty(
      15,
      fc.asyncProperty(fc.array(anyJsonValue(90), { minLength: 1, maxLength: 4 }), async (values) => {
        const source = await open(await makeStorage());
        await Promise.all(values.map((v, i) => source.put('any', `k${i}`, v)));
        const file = await source.exportData();
        for (const imported of [file, JSON.parse(JSON.stringify(file))]) {
          const target = await open(await makeStorage());
          await target.importData(imported);
          const got = await Promise.all(values.map((_, i) => target.get('any', `k${i}`)));
          expect(got.map((d) => jsonText(d?.value))).toEqual(values.map(jsonText));
          const copy = await target.exportData();
          expect(copy.pendingWrites.map((w) => jsonText(w.value))).toEqual(values.map(jsonText));
        }
      }),
    );
  });

  test.each([
    ['a JSON value schema', 'any'],
    ['a zod record', 'records'],
    ['a zod loose object', 'loose'],
  ])('keeps own __proto__ keys through %s', async (_kind, collection) => {
    const store = await open(await makeStorage());
    const value = objectOf([['title', 't'], ...Object.entries(withProto() as object)]) as JsonValue;
    await store.put(collection, 'p', value);
    const doc = await store.get(collection, 'p');
    expect(jsonText(doc?.value)).toBe(jsonText(value));
    expect(Object.hasOwn(doc?.value as object, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(doc?.value)).toBe(Object.prototype);
    const [write] = await store.storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    expect(jsonText(write?.value)).toBe(jsonText(value));
  });

  test('reports a schema issue under a __proto__ key with the key as it was written', async () => {
    const strict = defineCollection({ name: 'strict', schema: z.record(z.string(), z.number()) });
    const store = await LocalStore.open({ storage: await makeStorage(), collections: [strict] });
    const e = await rejectionOf(store.put('strict', 'p', objectOf([['__proto__', 'x']])));
    expect([e.code, e.details?.path]).toEqual(['invalid-value', ['__proto__']]);
  });

  test(`accepts a value nested exactly ${MAX_VALUE_DEPTH} deep`, async () => {
    const store = await open(await makeStorage());
    await store.put('any', 'a', nested(MAX_VALUE_DEPTH, 'array'));
    await store.put('any', 'o', nested(MAX_VALUE_DEPTH, 'object'));
    expect(await store.storage.transact('readonly', (tx) => tx.countWrites())).toBe(2);
  });

  test.each([
    [MAX_VALUE_DEPTH + 1, 'array'],
    [MAX_VALUE_DEPTH + 1, 'object'],
    [100_000, 'array'],
    [100_000, 'object'],
  ] as const)('refuses a value nested %i deep in %ss with value-too-deep; earlier writes stay', async (depth, kind) => {
    const store = await open(await makeStorage());
    await store.put('any', 'before', { n: 1 });
    const e = await rejectionOf(store.put('any', 'deep', nested(depth, kind)));
    expect([e.code, e.details?.limit]).toEqual(['value-too-deep', MAX_VALUE_DEPTH]);
    expect(await store.get('any', 'deep')).toBeUndefined();
    const writes = await store.storage.transact('readonly', (tx) => tx.listWrites(0, 10));
    expect(writes.map((w) => [w.key, w.value])).toEqual([['before', { n: 1 }]]);
  });

  test('refuses a value that holds a cycle with value-too-deep', async () => {
    const store = await open(await makeStorage());
    const cyclic: { [key: string]: unknown } = { a: 1 };
    cyclic.self = cyclic;
    expect((await rejectionOf(store.put('any', 'c', cyclic as JsonValue))).code).toBe('value-too-deep');
  });

  test('refuses an import holding a value nested too deep with import-invalid, importing nothing', async () => {
    const source = await open(await makeStorage());
    await source.put('any', 'k', nested(MAX_VALUE_DEPTH, 'array'));
    const file = await source.exportData();
    const deep = { ...file, docs: file.docs.map((d) => ({ ...d, value: [d.value] })) };
    const target = await open(await makeStorage());
    const e = await rejectionOf(target.importData(deep));
    expect([e.code, e.details?.path]).toEqual(['import-invalid', ['docs', 0, 'value']]);
    expect(await target.get('any', 'k')).toBeUndefined();
  });
});

describe('document values pulled from the reference server (PGlite)', () => {
  const secret = randomBytes(32);
  let server: SyncStore;
  let app: ReturnType<typeof createApp>;
  beforeAll(async () => {
    server = await openSyncStore({ dataDir: 'memory' });
    app = createApp({ store: server, secret, rateLimit: false, log: () => undefined });
  });
  afterAll(async () => server?.close());

  async function device(token: string, storage: OutboxStorage) {
    const store = await open(storage);
    const transport = createFetchTransport({
      baseUrl: 'http://outbox.test',
      fetch: (async (input: RequestInfo | URL, init?: RequestInit) => app.request(String(input), init)) as typeof fetch,
      headers: async () => ({ authorization: `Bearer ${token}` }),
    });
    const timers = {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as number),
    };
    const loop = new SyncLoop({ storage, store, transport, clock: Date, timers, random: () => 0.5, visible: false });
    return { store, loop };
  }

  test.each(storages)(
    'a value put on one device is, after push and pull, the same on another (%s)',
    async (_label, makeStorage) => {
      await checkProperty(
        10,
        fc.asyncProperty(fc.array(anyJsonValue(90), { minLength: 1, maxLength: 4 }), async (values) => {
          const token = issueToken(secret, randomId(), 600_000);
          const a = await device(token, await makeStorage());
          await Promise.all([...values, withProto()].map((v, i) => a.store.put('any', `k${i}`, v)));
          await a.loop.flush();
          a.loop.close();
          const b = await device(token, await makeStorage());
          b.loop.start();
          await b.loop.whenIdle();
          b.loop.close();
          const got = await Promise.all([...values, withProto()].map((_, i) => b.store.get('any', `k${i}`)));
          expect(got.map((d) => jsonText(d?.value))).toEqual([...values, withProto()].map(jsonText));
          expect(got.every((d) => d?.version === 1)).toBe(true);
        }),
      );
    },
  );
});
