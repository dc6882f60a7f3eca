import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import { openSyncStore } from '../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { put, testClient } from './support/sync-client.ts';

describe('request timeout on PGlite', () => {
  const secret = randomBytes(32);
  let store: SyncStore;
  beforeAll(async () => {
    store = await openSyncStore({ dataDir: 'memory' });
  });
  afterAll(async () => store?.close());

  test('answers 503 service-unavailable when a push outlasts the timeout, and the push still commits once', async () => {
    // A 1,000-write push takes PGlite far longer than 1 ms; the timer must get a turn between its statements.
    const app = createApp({ store, secret, rateLimit: false, limits: { requestTimeoutMs: 1 }, log: () => undefined });
    const c = testClient(async (path, init) => app.request(path, init), issueToken(secret, randomId(), 60_000));
    const batch = Array.from({ length: 1000 }, (_, i) => put(i + 1, `k${i}`, { text: 'x'.repeat(200) }));
    const res = await c.push(batch);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('service-unavailable');
    const patient = createApp({ store, secret, rateLimit: false, log: () => undefined });
    const again = testClient(async (path, init) => patient.request(path, init), c.token, c.clientId);
    const resent = await again.pushOk(batch);
    expect(new Set(resent.results.map((r) => r.status))).toEqual(new Set(['duplicate']));
  });
});
