import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../../server/auth/hmac-token.ts';
import { createApp } from '../../../server/create-app.ts';
import { openSyncStore } from '../../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../../server/store/sync-store.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { OutboxError } from '../../../src/errors.ts';
import { randomId } from '../../../src/protocol/ids.ts';
import { jsonValueSchema } from '../../../src/protocol/json-value.ts';
import { oddString } from '../../support/json-arbitraries.ts';
import { checkProperty } from '../../support/property.ts';
import { put, type TestClient, testClient } from '../../server/support/sync-client.ts';

/** The protocol's key rule, written out independently: 1–512 UTF-16 code units, no U+0000, no lone surrogate. */
function modelAcceptsKey(key: string): boolean {
  if (key.length < 1 || key.length > 512 || key.includes('\u0000')) return false;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = key.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/** Keys around the length limit, made of 1- and 2-unit characters, with odd characters mixed in. */
const keyArb = fc.oneof(
  oddString,
  fc
    .tuple(fc.constantFrom('a', '😀', 'é', '中'), fc.integer({ min: 250, max: 520 }), oddString)
    .map(([unit, n, tail]) => unit.repeat(n).slice(0, 520) + tail),
  fc.constantFrom('', '😀'.repeat(256), '😀'.repeat(257), 'a'.repeat(512), 'a'.repeat(513), `${'a'.repeat(511)}😀`),
);

const nameArb = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.constantFrom('my notes', 'notes', 'a', 'A.b-c_d', '1notes', `a${'b'.repeat(63)}`, `a${'b'.repeat(64)}`, 'é', 'n\u0000'),
  fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,70}$/),
);

describe('the key and collection name rules', () => {
  const secret = randomBytes(32);
  let server: SyncStore;
  let client: TestClient;
  let seq = 0;
  beforeAll(async () => {
    server = await openSyncStore({ dataDir: 'memory' });
    const app = createApp({ store: server, secret, rateLimit: false, log: () => undefined });
    client = testClient(async (path, init) => app.request(path, init), issueToken(secret, randomId(), 600_000));
  });
  afterAll(async () => server?.close());

  const serverAccepts = async (write: Parameters<TestClient['push']>[0][number]): Promise<boolean> => {
    const res = await client.push([write]);
    if (res.status === 200) return true;
    expect(res.status).toBe(400);
    await res.body?.cancel();
    return false;
  };

  test('put() accepts a key exactly when the server does, both counting UTF-16 code units', async () => {
    const any = defineCollection({ name: 'notes', schema: jsonValueSchema });
    const store = await LocalStore.open({ storage: createMemoryOutboxStorage('keys'), collections: [any] });
    await checkProperty(
      150,
      fc.asyncProperty(keyArb, async (key) => {
        const clientAccepts = await store.put('notes', key, 1).then(
          () => true,
          (e: unknown) => {
            expect(e instanceof OutboxError && e.code).toBe('invalid-key');
            return false;
          },
        );
        const accepted = await serverAccepts(put(++seq, key, 1));
        expect([clientAccepts, accepted]).toEqual([modelAcceptsKey(key), modelAcceptsKey(key)]);
      }),
    );
  });

  test('defineCollection accepts a name exactly when the server does', async () => {
    await checkProperty(
      150,
      fc.asyncProperty(nameArb, async (name) => {
        let clientAccepts = true;
        try {
          defineCollection({ name, schema: jsonValueSchema });
        } catch (e) {
          expect(e instanceof OutboxError && e.code).toBe('invalid-config');
          clientAccepts = false;
        }
        const accepted = await serverAccepts(put(++seq, 'k', 1, null, name));
        const model = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name);
        expect([clientAccepts, accepted]).toEqual([model, model]);
      }),
    );
  });

  test("refuses 'my notes' as a collection name and a key holding U+0000", async () => {
    expect(() => defineCollection({ name: 'my notes', schema: jsonValueSchema })).toThrow(OutboxError);
    const any = defineCollection({ name: 'notes', schema: jsonValueSchema });
    const store = await LocalStore.open({ storage: createMemoryOutboxStorage('nul'), collections: [any] });
    await expect(store.put('notes', 'a\u0000b', 1)).rejects.toMatchObject({ code: 'invalid-key' });
    expect(await store.storage.transact('readonly', (tx) => tx.countWrites())).toBe(0);
  });
});
