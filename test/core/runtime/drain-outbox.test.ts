import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { type RunningServer, startServer } from '../../../server/start-server.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { type DrainOutboxOptions, drainOutbox, drainOutboxOrThrow } from '../../../src/core/runtime/drain-outbox.ts';
import { openOutboxCore } from '../../../src/core/runtime/open-outbox-core.ts';
import type { ChannelPort, LockPort } from '../../../src/core/runtime/runtime-ports.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import { isOutboxError } from '../../../src/errors.ts';
import type { DocChange } from '../../../src/protocol/outbox-api.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../../src/protocol/sync-status.ts';

const notes = defineCollection({ name: 'notes', schema: z.strictObject({ text: z.string() }) });
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ port: 0, dataDir: 'memory', rateLimit: false, log: () => {} });
});

afterAll(async () => {
  await server?.close();
});

async function token(): Promise<string> {
  const res = await fetch(`${server.url}/v1/session`, { method: 'POST' });
  return ((await res.json()) as { token: string }).token;
}

/** A database with `count` pending notes and the user's credentials stored, as a tab leaves it. */
async function databaseWithWrites(count: number, bearer: string): Promise<OutboxStorage> {
  const storage = createMemoryOutboxStorage(`db-${Math.random()}`);
  const core = await openOutboxCore({ ...world(), storage });
  for (let i = 0; i < count; i++) await core.local.put('notes', `n${i}`, { text: `note ${i}` });
  await core.auth.set({ authorization: `Bearer ${bearer}` });
  return storage;
}

function world() {
  return {
    collections: [notes],
    serverUrl: server.url,
    fetch: globalThis.fetch,
    clock: Date,
    timers: {
      setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
      clearTimeout: (h: unknown) => clearTimeout(h as number),
    },
    random: Math.random,
  };
}

/** Lock manager where the sync lock is free (granted) or held by a tab (`null` with ifAvailable). */
function locks(free: boolean): LockPort & { requested: string[] } {
  const requested: string[] = [];
  return {
    requested,
    request: (name, _options, fn) => {
      requested.push(name);
      return fn(free ? { name } : null);
    },
  };
}

/** A channel whose other side is a scripted lock holder. */
function holderChannel(answer: (post: (s: Partial<SyncStatus>) => void) => void): ChannelPort & { sent: unknown[] } {
  const sent: unknown[] = [];
  const port: ChannelPort & { sent: unknown[] } = {
    sent,
    onmessage: null,
    postMessage(message) {
      sent.push(message);
      answer((s) =>
        queueMicrotask(() => port.onmessage?.({ data: { type: 'status', status: { ...INITIAL_SYNC_STATUS, ...s } } })),
      );
    },
    close() {},
  };
  return port;
}

function options(storage: OutboxStorage, overrides: Partial<DrainOutboxOptions> = {}): DrainOutboxOptions {
  return {
    ...world(),
    dbName: storage.name,
    // The drain closes its storage; keep this one readable for the assertions.
    openStorage: async () => ({ name: storage.name, transact: (mode, fn) => storage.transact(mode, fn), close() {} }),
    locks: locks(true),
    openChannel: () => holderChannel(() => {}),
    ...overrides,
  };
}

const pendingCount = (storage: OutboxStorage) => storage.transact('readonly', (tx) => tx.countWrites());

describe('drainOutbox', () => {
  test('pushes every pending write to the server when no tab holds the lock', async () => {
    const bearer = await token();
    const storage = await databaseWithWrites(3, bearer);
    const lockPort = locks(true);
    const outcome = await drainOutbox(options(storage, { locks: lockPort }));
    expect(outcome).toEqual({ kind: 'drained', remaining: 0, error: undefined });
    expect(lockPort.requested).toEqual([`outbox:sync:${storage.name}`]);
    expect(await pendingCount(storage)).toBe(0);
    const pulled = await fetch(`${server.url}/v1/pull`, { headers: { authorization: `Bearer ${bearer}` } });
    const body = (await pulled.json()) as { changes: { key: string }[] };
    expect(body.changes.map((c) => c.key).sort()).toEqual(['n0', 'n1', 'n2']);
  });

  test("publishes the acknowledged documents' snapshots for the tabs' watchers, then the resulting status", async () => {
    const storage = await databaseWithWrites(1, await token());
    const channel = holderChannel(() => {});
    await drainOutbox(options(storage, { openChannel: () => channel }));
    expect(channel.sent.at(-1)).toEqual({ type: 'status', status: expect.objectContaining({ pending: 0 }) });
    const changes = channel.sent.flatMap((m) =>
      (m as { type: string }).type === 'changes' ? (m as { changes: DocChange[] }).changes : [],
    );
    expect(changes).toEqual([expect.objectContaining({ pendingWrites: 0, version: 1, source: 'remote' })]);
  });

  test('rejects with sync-incomplete and keeps the writes when the server cannot be reached', async () => {
    const storage = await databaseWithWrites(2, await token());
    const offline = (() => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch;
    const error = await drainOutboxOrThrow(options(storage, { fetch: offline })).catch((e: unknown) => e);
    expect(isOutboxError(error, 'sync-incomplete')).toBe(true);
    expect((error as { details: { remaining: number; reason: string } }).details).toMatchObject({
      remaining: 2,
      reason: 'network-error',
    });
    expect(await pendingCount(storage)).toBe(2);
  });

  test('asks the lock holder to push now and resolves when its status shows an empty outbox', async () => {
    const storage = await databaseWithWrites(2, await token());
    const channel = holderChannel((post) => {
      post({ phase: 'pushing', pending: 2, inFlight: 2 });
      post({ phase: 'idle', pending: 0 });
    });
    const outcome = await drainOutboxOrThrow(options(storage, { locks: locks(false), openChannel: () => channel }));
    expect(outcome).toEqual({ kind: 'delegated', remaining: 0 });
    expect(channel.sent).toEqual([{ type: 'signal', name: 'online', value: true }]);
    expect(await pendingCount(storage)).toBe(2);
  });

  test("rejects when the holder's push fails, but not on a stale backoff status before it pushed", async () => {
    const storage = await databaseWithWrites(1, await token());
    const lastError = { code: 'server-error', message: 'down' };
    const channel = holderChannel((post) => {
      post({ phase: 'backoff', pending: 1, lastError });
      post({ phase: 'pushing', pending: 1, inFlight: 1, lastError });
      post({ phase: 'backoff', pending: 1, lastError });
    });
    const error = await drainOutboxOrThrow(options(storage, { locks: locks(false), openChannel: () => channel })).catch((e) => e);
    expect(isOutboxError(error, 'sync-incomplete')).toBe(true);
    expect((error as { details: unknown }).details).toMatchObject({ remaining: 1, reason: 'server-error' });
  });

  test('rejects when the holder does not report within holderWaitMs', async () => {
    const storage = await databaseWithWrites(1, await token());
    const outcome = await drainOutbox(options(storage, { locks: locks(false), holderWaitMs: 20 }));
    expect(outcome).toEqual({ kind: 'delegated', remaining: -1 });
    const error = await drainOutboxOrThrow(options(storage, { locks: locks(false), holderWaitMs: 20 })).catch((e) => e);
    expect(isOutboxError(error, 'sync-incomplete')).toBe(true);
  });
});
