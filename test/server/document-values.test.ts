import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { MAX_VALUE_DEPTH } from '../../src/protocol/json-value.ts';
import type { ErrorResponse, PushResponse } from '../../src/protocol/push-messages.ts';
import { anyJsonValue, jsonText, nested, nestedText } from '../support/json-arbitraries.ts';
import { checkProperty } from '../support/property.ts';
import { put, type Send, type TestClient, testClient } from './support/sync-client.ts';
import { forEachStore } from './support/each-store.ts';

const secret = randomBytes(32);

/** A push body written as text, so values of any depth (or with raw `__proto__` keys) are sent as they are. */
function pushText(clientId: string, writes: { seq: number; key: string; valueText: string }[]): string {
  const items = writes.map(
    (w) =>
      `{"seq":${w.seq},"id":"${randomId()}","collection":"notes","key":${JSON.stringify(w.key)},"op":"put","value":${w.valueText},"baseVersion":null,"writtenAt":1}`,
  );
  return `{"protocol":1,"clientId":"${clientId}","writes":[${items.join(',')}]}`;
}

/**
 * What the server stores is what was sent (docs/PROTOCOL.md, Conventions and Limits): every JSON
 * value comes back from a pull as it was pushed, a value nested deeper than the limit is refused
 * per write, and a key is measured in UTF-16 code units.
 */
function runDocumentValueSuite(name: string, open: () => Promise<{ store: SyncStore; cleanup(): Promise<void> }>): void {
  describe(`document values on ${name}`, () => {
    let opened: Awaited<ReturnType<typeof open>>;
    let send: Send;
    const user = (): TestClient => testClient(send, issueToken(secret, randomId(), 600_000));
    const sendText = (c: TestClient, body: string) =>
      send('/v1/push', {
        method: 'POST',
        headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
        body,
      });
    beforeAll(async () => {
      opened = await open();
      const app = createApp({ store: opened.store, secret, rateLimit: false, log: () => undefined });
      send = async (path, init) => app.request(path, init);
    });
    afterAll(async () => opened?.cleanup());

    test('a pull returns every JSON value exactly as it was pushed', async () => {
      await checkProperty(
        40,
        fc.asyncProperty(fc.array(anyJsonValue(90), { minLength: 1, maxLength: 3 }), async (values) => {
          const c = user();
          const res = await c.pushOk(values.map((v, i) => put(i + 1, `k${i}`, v)));
          expect(res.results.map((r) => r.status)).toEqual(values.map(() => 'applied'));
          const pulled = await c.pullAll();
          expect(pulled.map((ch) => jsonText(ch.value))).toEqual(values.map(jsonText));
        }),
      );
    });

    test('keeps a __proto__ key inside a value, at the top and deeper down', async () => {
      const c = user();
      const valueText = '{"__proto__":{"a":1},"b":2,"c":[{"__proto__":{"constructor":3}}]}';
      const res = await sendText(c, pushText(c.clientId, [{ seq: 1, key: 'p', valueText }]));
      expect(((await res.json()) as PushResponse).results[0]?.status).toBe('applied');
      const [change] = await c.pullAll();
      expect(jsonText(change?.value)).toBe(valueText);
      expect(Object.hasOwn(change?.value as object, '__proto__')).toBe(true);
    });

    test(`applies a value nested exactly ${MAX_VALUE_DEPTH} deep`, async () => {
      const c = user();
      const res = await c.pushOk([put(1, 'a', nested(MAX_VALUE_DEPTH, 'array')), put(2, 'o', nested(MAX_VALUE_DEPTH, 'object'))]);
      expect(res.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    });

    test('rejects a write nested one level too deep with value-too-deep and applies its neighbours', async () => {
      const c = user();
      const res = await c.pushOk([
        put(1, 'before', { n: 1 }),
        put(2, 'deep-array', nested(MAX_VALUE_DEPTH + 1, 'array')),
        put(3, 'deep-object', nested(MAX_VALUE_DEPTH + 1, 'object')),
        put(4, 'after', { n: 4 }),
      ]);
      expect(res.results.map((r) => [r.status, r.status === 'rejected' ? r.code : undefined])).toEqual([
        ['applied', undefined],
        ['rejected', 'value-too-deep'],
        ['rejected', 'value-too-deep'],
        ['applied', undefined],
      ]);
      expect((await c.pullAll()).map((ch) => ch.key)).toEqual(['before', 'after']);
    });

    test.each([
      [2_000, 'array'],
      [10_000, 'object'],
      [100_000, 'array'],
      [100_000, 'object'],
    ] as const)('answers a value nested %i deep in %ss with a per-write rejection, never a 500', async (depth, kind) => {
      const c = user();
      const body = pushText(c.clientId, [
        { seq: 1, key: 'ok', valueText: '"fine"' },
        { seq: 2, key: 'deep', valueText: nestedText(depth, kind) },
      ]);
      const res = await sendText(c, body);
      expect(res.status).toBe(200);
      const results = ((await res.json()) as PushResponse).results;
      expect(results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual(['applied', 'value-too-deep']);
      // Sent again, the same batch is answered from the record.
      const again = ((await (await sendText(c, body)).json()) as PushResponse).results;
      expect(again.map((r) => r.status)).toEqual(['duplicate', 'duplicate']);
    });

    test('measures a key in UTF-16 code units: 256 emoji (512 units) pass, 257 are refused', async () => {
      const c = user();
      expect((await c.pushOk([put(1, '😀'.repeat(256), 1)])).results[0]?.status).toBe('applied');
      for (const key of ['😀'.repeat(257), '😀'.repeat(512), 'a'.repeat(513)]) {
        const res = await c.push([put(2, key, 1)]);
        expect(res.status).toBe(400);
        const body = (await res.json()) as ErrorResponse;
        expect([body.error.code, body.error.path]).toEqual(['invalid-request', ['writes', 0, 'key']]);
      }
    });
  });
}

await forEachStore(runDocumentValueSuite);
