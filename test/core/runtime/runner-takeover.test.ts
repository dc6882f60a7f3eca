import { describe, expect, test } from 'vitest';
import { z } from 'zod';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { drainOutbox } from '../../../src/core/runtime/drain-outbox.ts';
import { openOutboxCore } from '../../../src/core/runtime/open-outbox-core.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import type { OutboxStorage } from '../../../src/core/storage/outbox-storage.ts';
import type { PushRequest } from '../../../src/protocol/push-messages.ts';
import { FakeClock, T0 } from '../sync/sync-harness.ts';

const notes = defineCollection({ name: 'notes', kind: 'append', schema: z.strictObject({ text: z.string() }) });

/**
 * A sync server behind `fetch` that applies every write once (a resent one is a duplicate),
 * except that the pushes for which `hang` says so never get an answer: the runner that sent
 * them is as stuck as one whose tab died mid-push.
 */
function serverFetch(hang: (pushNumber: number) => boolean) {
  const applied = new Map<string, number>();
  const pushes: string[] = [];
  let sent: () => void = () => {};
  const firstPush = new Promise<void>((resolve) => {
    sent = resolve;
  });
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    if (url.includes('/v1/pull')) return json({ protocol: 1, changes: [], cursor: '0', hasMore: false });
    const request = JSON.parse(String(init?.body)) as PushRequest;
    pushes.push(request.writes.map((w) => w.seq).join(','));
    sent();
    const results = request.writes.map((w) => {
      const seen = applied.get(w.id);
      const first = { id: w.id, seq: w.seq, status: 'applied' as const, version: 1 };
      if (seen !== undefined) return { id: w.id, seq: w.seq, status: 'duplicate' as const, original: first };
      applied.set(w.id, w.seq);
      return first;
    });
    // The server applied the batch; its answer never reaches a runner that is gone.
    if (hang(pushes.length)) return new Promise<Response>(() => {});
    return json({ protocol: 1, results });
  }) as typeof globalThis.fetch;
  return { fetch, pushes, applied, firstPush };
}

const json = (body: unknown): Response =>
  new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });

/** One context's core over the shared database (a tab's worker, or the service worker). */
function core(storage: OutboxStorage, clock: FakeClock, fetch: typeof globalThis.fetch) {
  return openOutboxCore({
    storage,
    collections: [notes],
    serverUrl: 'https://sync.test',
    fetch,
    clock,
    timers: clock,
    random: () => 0.5,
    policy: { leaseMs: 60_000, pullIntervalMs: 600_000 },
    visible: false,
  });
}

const outbox = (storage: OutboxStorage) => storage.transact('readonly', (tx) => tx.listWrites(0, 1_000));

describe('createRunner', () => {
  test('takes over at once the batch a runner that died mid-push left leased; the server sees it as duplicates', async () => {
    const clock = new FakeClock();
    const storage = createMemoryOutboxStorage(`takeover-${Math.random()}`);
    const server = serverFetch((n) => n === 1);
    const first = await core(storage, clock, server.fetch);
    for (let i = 0; i < 3; i++) await first.local.put('notes', `n${i}`, { text: `note ${i}` });
    const dead = await first.createRunner();
    dead.start();
    await server.firstPush;
    expect(server.pushes).toEqual(['1,2,3']);
    expect((await outbox(storage)).map((w) => w.leaseUntil)).toEqual([T0 + 60_000, T0 + 60_000, T0 + 60_000]);

    // The dead runner's context is gone (its lock freed); the next holder builds its own runner.
    const next = await (await core(storage, clock, server.fetch)).createRunner();
    next.start();
    await next.whenIdle();

    expect(clock.now()).toBe(T0);
    expect(server.pushes).toEqual(['1,2,3', '1,2,3']);
    expect(server.applied.size).toBe(3);
    expect(await outbox(storage)).toEqual([]);
    expect(next.status.current).toMatchObject({ pending: 0, deadLetters: 0 });
    await next.flush();
    next.close();
  });

  test("lets the service worker's drain, on taking the free lock, send a dead runner's batch in its one pass", async () => {
    const clock = new FakeClock();
    const storage = createMemoryOutboxStorage(`takeover-${Math.random()}`);
    const server = serverFetch((n) => n === 1);
    const tab = await core(storage, clock, server.fetch);
    for (let i = 0; i < 2; i++) await tab.local.put('notes', `n${i}`, { text: `note ${i}` });
    (await tab.createRunner()).start();
    await server.firstPush;

    const outcome = await drainOutbox({
      dbName: storage.name,
      openStorage: async () => storage,
      locks: { request: (_name, _options, fn) => fn({}) },
      openChannel: () => ({ postMessage: () => {}, onmessage: null, close: () => {} }),
      collections: [notes],
      serverUrl: 'https://sync.test',
      fetch: server.fetch,
      clock,
      timers: clock,
      random: () => 0.5,
      policy: { leaseMs: 60_000 },
    });

    expect(outcome).toEqual({ kind: 'drained', remaining: 0, error: undefined });
    expect(server.pushes).toEqual(['1,2', '1,2']);
    expect(clock.now()).toBe(T0);
  });

  test('leaves a database without leases as it is', async () => {
    const clock = new FakeClock();
    const storage = createMemoryOutboxStorage(`takeover-${Math.random()}`);
    const server = serverFetch(() => false);
    const c = await core(storage, clock, server.fetch);
    await c.local.put('notes', 'n0', { text: 'note' });
    const before = await outbox(storage);
    const runner = await c.createRunner();
    expect(await outbox(storage)).toEqual(before);
    runner.close();
  });
});
