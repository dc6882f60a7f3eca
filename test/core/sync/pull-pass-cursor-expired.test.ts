import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { issueToken } from '../../../server/auth/hmac-token.ts';
import { createApp } from '../../../server/create-app.ts';
import { openSyncStore } from '../../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../../server/store/sync-store.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { readPullResync } from '../../../src/core/queue/sweep-absent-docs.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import { createFetchTransport } from '../../../src/core/sync/fetch-transport.ts';
import type { PassDeps } from '../../../src/core/sync/pass-deps.ts';
import { pullPass } from '../../../src/core/sync/pull-pass.ts';
import { storeContext } from '../../../src/core/sync/store-context.ts';
import { DEFAULT_SYNC_POLICY } from '../../../src/core/sync/sync-policy.ts';
import { randomId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import { del, put, testClient } from '../../server/support/sync-client.ts';

const notes = defineCollection({ name: 'notes', schema: z.number() as z.ZodType<JsonValue> });
const secret = randomBytes(32);
/** A cutoff after every record of the test: everything on the server is past the horizon. */
const allExpired = () => Date.now() + 3_600_000;

/** The reference server in-process (PGlite in memory), a writer speaking the protocol, and a local client. */
async function setup(pageSize: number) {
  const server: SyncStore = await openSyncStore({ dataDir: 'memory' });
  const app = createApp({ store: server, secret, rateLimit: false, log: () => undefined });
  const token = issueToken(secret, randomId(), 600_000);
  const writer = testClient(async (path, init) => app.request(path, init), token);
  const storage = createMemoryOutboxStorage(`cursor-expired-${randomId()}`);
  const store = await LocalStore.open({ storage, collections: [notes] });
  const transport = createFetchTransport({
    baseUrl: 'http://server.test',
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => app.fetch(new Request(input, init))) as typeof fetch,
    headers: async () => ({ authorization: `Bearer ${token}` }),
  });
  const emitted: DocChange[] = [];
  const requested: (string | undefined)[] = [];
  const stop = { after: Number.POSITIVE_INFINITY };
  const deps = (): PassDeps => ({
    storage,
    transport: {
      push: (r) => transport.push(r),
      pull: (cursor, limit, resync) => {
        requested.push(cursor);
        return transport.pull(cursor, limit, resync);
      },
    },
    clientId: store.clientId,
    policy: { ...DEFAULT_SYNC_POLICY, pullLimit: pageSize },
    now: Date.now,
    context: () => storeContext(store, Date.now(), randomId),
    send: (request) => request(),
    event: () => undefined,
    emitChanges: (changes) => emitted.push(...changes),
    shouldStop: () => requested.length >= stop.after,
  });
  return { server, writer, storage, store, deps, emitted, requested, stop };
}

const keysOf = async (storage: OutboxStorage) =>
  (await storage.transact('readonly', (tx) => tx.listDocs('notes', undefined, 100))).map((d) => d.key);

describe('pullPass', () => {
  const opened: SyncStore[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
  });

  test('answers cursor-expired with a full re-pull that drops the documents the server no longer has, keeping pending ones', async () => {
    const { server, writer, storage, store, deps, emitted, requested } = await setup(2);
    opened.push(server);
    await writer.pushOk([put(1, 'x', 1), put(2, 'y', 2), put(3, 'z', 3)]);
    expect(await pullPass(deps())).toMatchObject({ kind: 'done' });
    expect(await keysOf(storage)).toEqual(['x', 'y', 'z']);
    await store.put('notes', 'y', 20);

    // Meanwhile on the server: x and y deleted, w added, and the deletions pruned past the horizon.
    await writer.pushOk([del(4, 'x', 1), del(5, 'y', 1), put(6, 'w', 6)]);
    expect(await server.prune(allExpired(), 1000)).toMatchObject({ tombstones: 2 });
    requested.length = 0;
    emitted.length = 0;

    expect(await pullPass(deps())).toMatchObject({ kind: 'done', more: false });
    expect(requested[0]).not.toBeUndefined();
    expect(requested[1]).toBeUndefined();
    expect(await keysOf(storage)).toEqual(['w', 'y', 'z']);
    expect(await store.get('notes', 'y')).toMatchObject({ value: 20, pendingWrites: 1 });
    expect(emitted).toContainEqual(expect.objectContaining({ key: 'x', op: 'delete', source: 'remote' }));
    expect(await readPullResync(storage)).toBe(false);

    // Done: the next pass pulls on from the stored cursor.
    requested.length = 0;
    expect(await pullPass(deps())).toMatchObject({ kind: 'done' });
    expect(requested).toHaveLength(1);
    expect(requested[0]).not.toBeUndefined();
  });

  test('starts a full re-pull cut short over from the beginning on the next pass', async () => {
    const { server, writer, storage, deps, requested, stop } = await setup(1);
    opened.push(server);
    await writer.pushOk([put(1, 'x', 1), put(2, 'y', 2), put(3, 'z', 3)]);
    expect(await pullPass(deps())).toMatchObject({ kind: 'done' });
    await writer.pushOk([del(4, 'x', 1)]);
    await server.prune(allExpired(), 1000);
    requested.length = 0;
    stop.after = 2; // the expired pull, then the first of the two pages of the re-pull
    expect(await pullPass(deps())).toEqual({ kind: 'stopped' });
    expect(await readPullResync(storage)).toBe(true);

    requested.length = 0;
    stop.after = Number.POSITIVE_INFINITY;
    expect(await pullPass(deps())).toMatchObject({ kind: 'done', more: false });
    expect(requested[0]).toBeUndefined();
    expect(await keysOf(storage)).toEqual(['y', 'z']);
    expect(await readPullResync(storage)).toBe(false);
  });
});
