import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { randomId } from '../../src/protocol/ids.ts';
import type { PullResponse } from '../../src/protocol/pull-messages.ts';
import { type ErrorResponse, pushResponseSchema, type WireWrite } from '../../src/protocol/push-messages.ts';
import { del, put, type Send, type TestClient, testClient } from './support/sync-client.ts';

/** Opens a fresh, migrated store; `cleanup` closes it and removes what it created. */
export type StoreFactory = () => Promise<{ store: SyncStore; cleanup(): Promise<void> }>;

const secret = randomBytes(32);
const SMALL = { maxWritesPerPush: 5, maxBodyBytes: 4096, maxDocBytes: 300 };

/**
 * The server's guarantees (docs/PROTOCOL.md), checked over HTTP against one store
 * implementation. Each test uses fresh random users, so one store serves the whole suite.
 */
export function runSyncStoreContract(name: string, factory: StoreFactory): void {
  describe(`sync server on ${name}`, () => {
    let opened: Awaited<ReturnType<StoreFactory>>;
    let send: Send;
    let sendSmall: Send;
    const user = (): TestClient => testClient(send, issueToken(secret, randomId(), 600_000));
    beforeAll(async () => {
      opened = await factory();
      const app = createApp({ store: opened.store, secret, rateLimit: false, log: () => undefined });
      const small = createApp({ store: opened.store, secret, rateLimit: false, limits: SMALL, log: () => undefined });
      send = async (path, init) => app.request(path, init);
      sendSmall = async (path, init) => small.request(path, init);
    });
    afterAll(async () => opened?.cleanup());

    describe('push', () => pushContract(user));
    describe('conflicts', () => conflictContract(user, () => send));
    describe('pull', () => pullContract(user));
    describe('isolation', () => isolationContract(user, () => send));
    describe('bad input', () => badInputContract(user, () => sendSmall));
  });
}

const statuses = (r: { results: { status: string }[] }) => r.results.map((x) => x.status);

function pushContract(user: () => TestClient): void {
  test('applies new writes in order and returns each new version', async () => {
    const c = user();
    const res = await c.pushOk([put(1, 'a', { n: 1 }), put(2, 'a', { n: 2 }), put(3, 'b', 'x')]);
    expect(pushResponseSchema.parse(res).results).toMatchObject([
      { seq: 1, status: 'applied', version: 1 },
      { seq: 2, status: 'applied', version: 2 },
      { seq: 3, status: 'applied', version: 1 },
    ]);
    expect(await c.pullAll()).toMatchObject([
      { key: 'a', op: 'put', value: { n: 2 }, version: 2 },
      { key: 'b', op: 'put', value: 'x', version: 1 },
    ]);
  });

  test('answers the same batch sent twice with duplicates holding the original results, changing nothing', async () => {
    const c = user();
    const batch = [put(1, 'a', 1), put(2, 'a', 2, 5), put(3, 'b', 3)];
    const first = await c.pushOk(batch);
    const feed = await c.pullAll();
    const second = await c.pushOk(batch);
    expect(statuses(first)).toEqual(['applied', 'conflict', 'applied']);
    expect(second.results).toEqual(first.results.map((r) => ({ id: r.id, seq: r.seq, status: 'duplicate', original: r })));
    expect(await c.pullAll()).toEqual(feed);
  });

  test('applies only the new writes of an overlapping batch', async () => {
    const c = user();
    const [w1, w2, w3, w4] = [put(1, 'a', 1), put(2, 'a', 2), put(3, 'a', 3), put(4, 'a', 4)] as [
      WireWrite,
      WireWrite,
      WireWrite,
      WireWrite,
    ];
    await c.pushOk([w1, w2]);
    const res = await c.pushOk([w2, w3, w4]);
    expect(statuses(res)).toEqual(['duplicate', 'applied', 'applied']);
    expect(res.results[2]).toMatchObject({ status: 'applied', version: 4 });
    expect(await c.pullAll()).toMatchObject([{ key: 'a', value: 4, version: 4 }]);
  });

  test('answers an out-of-order resend of an older batch with duplicates and keeps the newer state', async () => {
    const c = user();
    const older = [put(1, 'a', 'old'), put(2, 'b', 'old')];
    await c.pushOk(older);
    await c.pushOk([put(3, 'a', 'new', 1)]);
    const feed = await c.pullAll();
    const res = await c.pushOk(older);
    expect(statuses(res)).toEqual(['duplicate', 'duplicate']);
    expect(await c.pullAll()).toEqual(feed);
    expect(feed.find((ch) => ch.key === 'a')).toMatchObject({ value: 'new', version: 2 });
  });

  test('recognises a write re-sent under a new seq (after an import) as a duplicate', async () => {
    const c = user();
    const w = put(1, 'a', 'v');
    await c.pushOk([w]);
    const res = await c.pushOk([{ ...w, seq: 7 }]);
    expect(res.results[0]).toMatchObject({ status: 'duplicate', seq: 7, original: { seq: 1, status: 'applied', version: 1 } });
    expect(await c.pullAll()).toHaveLength(1);
  });

  test('rejects a never-seen write at or below the highest processed seq as stale-sequence, without recording it', async () => {
    const c = user();
    await c.pushOk([put(5, 'a', 1)]);
    const stale = put(5, 'b', 2);
    const res = await c.pushOk([stale]);
    expect(res.results[0]).toMatchObject({ status: 'rejected', code: 'stale-sequence' });
    const again = await c.pushOk([{ ...stale, seq: 6 }]);
    expect(again.results[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  test('tombstones a deleted document; pull gives a delete without a value', async () => {
    const c = user();
    await c.pushOk([put(1, 'a', 'x'), del(2, 'a', 1)]);
    const [change] = await c.pullAll();
    expect(change).toMatchObject({ key: 'a', op: 'delete', version: 2 });
    expect(change).not.toHaveProperty('value');
  });

  test('keeps a put of the JSON value null distinct from a delete', async () => {
    const c = user();
    await c.pushOk([put(1, 'n', null)]);
    expect(await c.pullAll()).toMatchObject([{ key: 'n', op: 'put', value: null, version: 1 }]);
  });
}

function conflictContract(user: () => TestClient, send: () => Send): void {
  test("does not conflict when one client's consecutive writes carry an old base", async () => {
    const c = user();
    const res = await c.pushOk([put(1, 'a', 1, null), put(2, 'a', 2, null), put(3, 'a', 3, 1)]);
    expect(statuses(res)).toEqual(['applied', 'applied', 'applied']);
    const later = await c.pushOk([put(4, 'a', 4, null)]);
    expect(later.results[0]).toMatchObject({ status: 'applied', version: 4 });
  });

  test("conflicts when another client's write came in between, answering the current document", async () => {
    const a = user();
    const b = testClient(send(), a.token);
    await a.pushOk([put(1, 'doc', 'a1', null)]);
    await b.pushOk([put(1, 'doc', 'b1', 1)]);
    const res = await a.pushOk([put(2, 'doc', 'a2', 1)]);
    expect(res.results[0]).toMatchObject({
      status: 'conflict',
      current: { version: 2, value: 'b1', deleted: false, writtenAt: 1_700_000_000_001 },
    });
    expect((await a.pullAll())[0]).toMatchObject({ value: 'b1', version: 2 });
    const rebased = await a.pushOk([put(3, 'doc', 'a3', 2), put(4, 'doc', 'a4', 2)]);
    expect(statuses(rebased)).toEqual(['applied', 'applied']);
  });

  test('conflicts on a base version the server never had', async () => {
    const c = user();
    const res = await c.pushOk([put(1, 'ghost', 1, 3)]);
    expect(res.results[0]).toMatchObject({ status: 'conflict', current: { version: 0, value: null, deleted: true } });
    await c.pushOk([put(2, 'real', 1, null)]);
    const ahead = await c.pushOk([put(3, 'real', 2, 9)]);
    expect(ahead.results[0]).toMatchObject({ status: 'conflict', current: { version: 1 } });
  });

  test('answers a conflict on a deleted document with deleted: true and value null', async () => {
    const a = user();
    const b = testClient(send(), a.token);
    await a.pushOk([put(1, 'd', 'x', null), del(2, 'd', 1)]);
    const res = await b.pushOk([put(1, 'd', 'y', 1)]);
    expect(res.results[0]).toMatchObject({ status: 'conflict', current: { version: 2, value: null, deleted: true } });
  });
}

function pullContract(user: () => TestClient): void {
  const page = async (c: TestClient, query: string) => {
    const res = await c.pull(query);
    expect(res.status).toBe(200);
    return (await res.json()) as PullResponse;
  };

  test('pages through changes with limit, cursor and hasMore', async () => {
    const c = user();
    await c.pushOk([1, 2, 3, 4, 5].map((i) => put(i, `k${i}`, i)));
    const p1 = await page(c, '?limit=2');
    const p2 = await page(c, `?limit=2&cursor=${p1.cursor}`);
    const p3 = await page(c, `?limit=2&cursor=${p2.cursor}`);
    expect([p1, p2, p3].map((p) => p.changes.map((ch) => ch.key))).toEqual([['k1', 'k2'], ['k3', 'k4'], ['k5']]);
    expect([p1.hasMore, p2.hasMore, p3.hasMore]).toEqual([true, true, false]);
    const empty = await page(c, `?cursor=${p3.cursor}`);
    expect(empty).toEqual({ protocol: 1, changes: [], cursor: p3.cursor, hasMore: false });
  });

  test('keeps one entry per document, placed at its latest change', async () => {
    const c = user();
    await c.pushOk([put(1, 'a', 1), put(2, 'b', 1), put(3, 'a', 2, 1)]);
    const first = await page(c, '');
    expect(first.changes.map((ch) => [ch.key, ch.version])).toEqual([
      ['b', 1],
      ['a', 2],
    ]);
    await c.pushOk([put(4, 'b', 2, 1)]);
    const next = await page(c, `?cursor=${first.cursor}`);
    expect(next.changes.map((ch) => [ch.key, ch.version])).toEqual([['b', 2]]);
  });

  test('returns 100 changes by default and at most 1000', async () => {
    const c = user();
    await c.pushOk(Array.from({ length: 101 }, (_, i) => put(i + 1, `k${i}`, i)));
    const p = await page(c, '');
    expect([p.changes.length, p.hasMore]).toEqual([100, true]);
    expect((await page(c, '?limit=1000')).changes).toHaveLength(101);
  });

  test.each([
    ['?limit=1001', 'invalid-request', ['limit']],
    ['?limit=0', 'invalid-request', ['limit']],
    ['?limit=ten', 'invalid-request', ['limit']],
    ['?cursor=-1', 'invalid-request', ['cursor']],
    ['?cursor=abc', 'invalid-request', ['cursor']],
    ['?cursor=', 'invalid-request', ['cursor']],
    ['?cursor=99999999999999999999', 'invalid-request', ['cursor']],
    ['?since=0', 'unknown-field', ['since']],
  ])('answers %s with 400 %s', async (query, code, path) => {
    const res = await user().pull(query);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorResponse).error).toMatchObject({ code, path });
  });
}

function isolationContract(user: () => TestClient, send: () => Send): void {
  test("never shows a user another user's documents", async () => {
    const a = user();
    const b = user();
    await a.pushOk([put(1, 'secret', 'a-only')]);
    expect(await b.pullAll()).toEqual([]);
    expect(await a.pullAll()).toHaveLength(1);
  });

  test("keeps the same key of two users apart: B's write neither conflicts with nor overwrites A's", async () => {
    const a = user();
    const b = user();
    await a.pushOk([put(1, 'k', 'a1'), put(2, 'k', 'a2', 1)]);
    const res = await b.pushOk([put(1, 'k', 'b1', null)]);
    expect(res.results[0]).toMatchObject({ status: 'applied', version: 1 });
    expect(await a.pullAll()).toMatchObject([{ key: 'k', value: 'a2', version: 2 }]);
  });

  test("treats another user's write id as new: no duplicate reveals their result", async () => {
    const a = user();
    const b = user();
    const w = put(1, 'k', 'a');
    await a.pushOk([w]);
    const res = await b.pushOk([{ ...w, value: 'b' }]);
    expect(res.results[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  test("refuses another user's client id with 403 client-id-taken and applies nothing", async () => {
    const a = user();
    await a.pushOk([put(1, 'k', 'a')]);
    const intruder = testClient(send(), user().token, a.clientId);
    const res = await intruder.push([put(2, 'k', 'x'), put(3, 'other', 'x')]);
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorResponse).error.code).toBe('client-id-taken');
    expect(await intruder.pullAll()).toEqual([]);
    expect(await a.pullAll()).toMatchObject([{ key: 'k', value: 'a', version: 1 }]);
    const next = await a.pushOk([put(2, 'k', 'a2', 1)]);
    expect(next.results[0]).toMatchObject({ status: 'applied' });
  });
}

function badInputContract(user: () => TestClient, sendSmall: () => Send): void {
  const valid = () => put(1, 'k', 'v');
  const raw = (c: TestClient, body: string, headers: Record<string, string> = {}) =>
    sendSmall()('/v1/push', {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json', ...headers },
      body,
    });
  const cases: [string, (c: TestClient) => Promise<Response>, number, string, unknown[] | undefined][] = [
    ['malformed JSON', (c) => raw(c, '{"protocol":1,'), 400, 'malformed-json', undefined],
    [
      'a wrong type',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [valid(), { ...valid(), seq: 'x' }] })),
      400,
      'invalid-request',
      ['writes', 1, 'seq'],
    ],
    [
      'an unknown top-level field',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [valid()], userId: 'x' })),
      400,
      'unknown-field',
      ['userId'],
    ],
    [
      'an unknown write field',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [{ ...valid(), extra: 1 }] })),
      400,
      'unknown-field',
      ['writes', 0, 'extra'],
    ],
    [
      'too many writes',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [1, 2, 3, 4, 5, 6].map((i) => put(i, 'k', i)) })),
      400,
      'too-many-writes',
      ['writes'],
    ],
    [
      'a body over the limit (Content-Length)',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [put(1, 'k', 'x'.repeat(5000))] })),
      413,
      'body-too-large',
      undefined,
    ],
    ['a body over the limit (streamed)', (c) => sendSmall()('/v1/push', streamed(c, 5000)), 413, 'body-too-large', undefined],
    [
      'a wrong content type',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [valid()] }), { 'content-type': 'text/plain' }),
      415,
      'unsupported-media-type',
      undefined,
    ],
    [
      'an unknown protocol version',
      (c) => raw(c, JSON.stringify({ protocol: 2, clientId: c.clientId, writes: [valid()] })),
      400,
      'unsupported-protocol-version',
      ['protocol'],
    ],
    [
      'seqs out of order',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [put(2, 'k', 1), put(2, 'j', 1)] })),
      400,
      'invalid-request',
      ['writes', 1, 'seq'],
    ],
    [
      'a put without a value',
      (c) =>
        raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [valid(), { ...put(2, 'k', 1), value: undefined }] })),
      400,
      'invalid-request',
      ['writes', 1, 'value'],
    ],
    [
      'a key holding U+0000',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: c.clientId, writes: [valid(), put(2, 'a\u0000b', 1)] })),
      400,
      'invalid-request',
      ['writes', 1, 'key'],
    ],
    [
      'a short client id',
      (c) => raw(c, JSON.stringify({ protocol: 1, clientId: 'abc', writes: [valid()] })),
      400,
      'invalid-request',
      ['clientId'],
    ],
    ['a missing token', (c) => raw(c, '{}', { authorization: '' }), 401, 'token-missing', undefined],
    [
      'a forged token',
      (c) => raw(c, '{}', { authorization: `Bearer ${c.token.slice(0, -2)}xx` }),
      401,
      'token-invalid',
      undefined,
    ],
    [
      'an expired token',
      (c) => raw(c, '{}', { authorization: `Bearer ${issueToken(secret, 'u1', 1000, 0)}` }),
      401,
      'token-expired',
      undefined,
    ],
    [
      'an unknown route',
      (c) => sendSmall()('/v1/pushes', { method: 'POST', headers: { authorization: `Bearer ${c.token}` } }),
      404,
      'route-not-found',
      undefined,
    ],
  ];
  const rows = cases.map(([what, request, status, code, path]) => [what, status, code, request, path] as const);
  test.each(rows)('answers %s with %i %s and leaves the store unchanged', async (_, status, code, request, path) => {
    const c = user();
    const res = await request(c);
    expect(res.status).toBe(status);
    const { error } = (await res.json()) as ErrorResponse;
    expect(error.code).toBe(code);
    expect(typeof error.message).toBe('string');
    if (path !== undefined) expect(error.path).toEqual(path);
    expect(await c.pullAll()).toEqual([]);
    const res2 = await testClient(sendSmall(), c.token, c.clientId).pushOk([put(1, 'k', 'v')]);
    expect(res2.results[0]).toMatchObject({ status: 'applied', version: 1 });
  });

  test('rejects only the write over the document size limit, and records that rejection', async () => {
    const c = testClient(sendSmall(), user().token);
    const big = put(2, 'big', 'x'.repeat(400));
    const res = await c.pushOk([put(1, 'a', 1), big, put(3, 'b', 1)]);
    expect(statuses(res)).toEqual(['applied', 'rejected', 'applied']);
    expect(res.results[1]).toMatchObject({ code: 'document-too-large' });
    const again = await c.pushOk([big]);
    expect(again.results[0]).toMatchObject({ status: 'duplicate', original: { status: 'rejected', code: 'document-too-large' } });
    expect((await c.pullAll()).map((ch) => ch.key)).toEqual(['a', 'b']);
  });
}

function streamed(c: TestClient, bytes: number): RequestInit {
  const chunk = new TextEncoder().encode(' '.repeat(1000));
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
    body,
    duplex: 'half',
  } as RequestInit;
}
