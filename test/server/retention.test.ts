import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { randomId } from '../../src/protocol/ids.ts';
import type { PullResponse } from '../../src/protocol/pull-messages.ts';
import type { ErrorResponse, PushResponse } from '../../src/protocol/push-messages.ts';
import { del, put, type TestClient, testClient } from './support/sync-client.ts';
import { forEachStore } from './support/each-store.ts';

type Factory = () => Promise<{ store: SyncStore; cleanup(): Promise<void> }>;

const HOUR_MS = 3_600_000;
const secret = randomBytes(32);
/** A cutoff before every record of the test: nothing is past the horizon yet. */
const noneExpired = () => Date.now() - HOUR_MS;
/** A cutoff after every record of the test: everything is past the horizon. */
const allExpired = () => Date.now() + HOUR_MS;

function retentionSuite(name: string, factory: Factory): void {
  describe(`retention horizon on ${name}`, () => {
    let opened: Awaited<ReturnType<Factory>> | undefined;
    afterEach(async () => {
      await opened?.cleanup();
      opened = undefined;
    });
    const open = async (): Promise<{ store: SyncStore; client: TestClient }> => {
      opened = await factory();
      const app = createApp({ store: opened.store, secret, rateLimit: false, log: () => undefined });
      const client = testClient(async (path, init) => app.request(path, init), issueToken(secret, randomId(), 600_000));
      return { store: opened.store, client };
    };

    test('keeps processed-write records until the horizon, then prunes them', async () => {
      const { store, client } = await open();
      const writes = [put(1, 'a', 1), put(2, 'a', 2), put(3, 'b', 3)];
      await client.pushOk(writes);
      expect(await store.prune(noneExpired(), 1000)).toEqual({ writes: 0, tombstones: 0 });
      expect((await client.pushOk(writes)).results.map((r) => r.status)).toEqual(['duplicate', 'duplicate', 'duplicate']);
      expect(await store.prune(allExpired(), 1000)).toEqual({ writes: 3, tombstones: 0 });
      expect(await store.prune(allExpired(), 1000)).toEqual({ writes: 0, tombstones: 0 });
    });

    test('answers a write resent after the horizon write-expired and does not apply it again', async () => {
      const { store, client } = await open();
      const writes = [put(1, 'a', 1), put(2, 'a', 2), del(3, 'b', null)];
      await client.pushOk(writes);
      await store.prune(allExpired(), 1000);
      const resent = await client.pushOk(writes);
      expect(resent.results.map((r) => (r.status === 'rejected' ? r.code : r.status))).toEqual([
        'write-expired',
        'write-expired',
        'write-expired',
      ]);
      expect(await client.pullAll()).toMatchObject([{ key: 'a', version: 2, value: 2 }]);
      // Above the pruned seq the usual rules hold: new writes apply, unknown old ones are stale.
      const next = await client.pushOk([put(5, 'a', 5)]);
      expect(next.results).toMatchObject([{ status: 'applied', version: 3 }]);
      const stale = await client.pushOk([put(4, 'a', 4)]);
      expect(stale.results).toMatchObject([{ status: 'rejected', code: 'stale-sequence' }]);
    });

    test('bounds one run by maxRows and finishes on the next', async () => {
      const { store, client } = await open();
      const writes = [1, 2, 3, 4, 5].map((seq) => put(seq, `k${seq}`, seq));
      await client.pushOk(writes);
      expect(await store.prune(allExpired(), 2)).toEqual({ writes: 2, tombstones: 0 });
      // The watermark covers all five at once: the pruned ones are expired, the rest still duplicates.
      const resent: PushResponse = await client.pushOk(writes);
      const outcomes = resent.results.map((r) => (r.status === 'rejected' ? r.code : r.status)).sort();
      expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'write-expired', 'write-expired']);
      expect(await store.prune(allExpired(), 2)).toEqual({ writes: 2, tombstones: 0 });
      expect(await store.prune(allExpired(), 2)).toEqual({ writes: 1, tombstones: 0 });
    });

    test('keeps tombstones until the horizon, then prunes them and answers an older cursor cursor-expired', async () => {
      const { store, client } = await open();
      await client.pushOk([put(1, 'a', 1), put(2, 'b', 2), del(3, 'a', 1)]);
      const first = (await (await client.pull('?cursor=0&limit=1')).json()) as PullResponse;
      expect(first.changes).toMatchObject([{ key: 'b', op: 'put' }]);
      const latest = (await (await client.pull(`?cursor=${first.cursor}`)).json()) as PullResponse;
      expect(latest.changes).toMatchObject([{ key: 'a', op: 'delete' }]);

      expect(await store.prune(noneExpired(), 1000)).toEqual({ writes: 0, tombstones: 0 });
      expect((await client.pull(`?cursor=${first.cursor}`)).status).toBe(200);

      expect(await store.prune(allExpired(), 1000)).toMatchObject({ tombstones: 1 });
      const expired = await client.pull(`?cursor=${first.cursor}`);
      expect(expired.status).toBe(410);
      expect(((await expired.json()) as ErrorResponse).error.code).toBe('cursor-expired');
      // From the beginning, from a cursor at or past the pruned deletion, or as a page of a full re-pull, pulls go on.
      expect(await client.pullAll()).toMatchObject([{ key: 'b', op: 'put' }]);
      expect((await client.pull(`?cursor=${first.cursor}&resync=1`)).status).toBe(200);
      expect((await client.pull(`?cursor=${latest.cursor}`)).status).toBe(200);
    });

    test('never prunes a live document', async () => {
      const { store, client } = await open();
      await client.pushOk([put(1, 'a', 1), del(2, 'b', null), put(3, 'b', 3)]);
      expect(await store.prune(allExpired(), 1000)).toEqual({ writes: 3, tombstones: 0 });
      expect(await client.pullAll()).toMatchObject([
        { key: 'a', value: 1 },
        { key: 'b', value: 3 },
      ]);
    });
  });
}

await forEachStore(retentionSuite);
