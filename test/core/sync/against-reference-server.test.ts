import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { type RunningServer, startServer } from '../../../server/start-server.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { createFetchTransport } from '../../../src/core/sync/fetch-transport.ts';
import { SyncLoop } from '../../../src/core/sync/sync-loop.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import { sessionResponseSchema } from '../../../src/protocol/pull-messages.ts';
import { seeded } from '../../support/seeded-random.ts';

const counters = defineCollection({
  name: 'counters',
  kind: 'append',
  schema: z.object({ n: z.number().int() }).strict() as z.ZodType<JsonValue>,
});

/**
 * Wraps fetch so that a share of requests fail at random, in the three ways a real network fails:
 * a 503 before the server sees the request, a connection error before it, and — the hard one —
 * a connection error after the server has committed the push (the answer is lost).
 */
function flakyFetch(random: () => number, rate: number, log: string[]): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const roll = random();
    if (roll < rate / 3) {
      log.push('503');
      return new Response(JSON.stringify({ error: { code: 'service-unavailable', message: 'flaky' } }), { status: 503 });
    }
    if (roll < (2 * rate) / 3) {
      log.push('refused');
      throw new TypeError('fetch failed: connection refused');
    }
    const res = await fetch(input, init);
    if (roll < rate) {
      log.push('answer-lost');
      await res.body?.cancel();
      throw new TypeError('fetch failed: socket hang up');
    }
    return res;
  }) as typeof fetch;
}

async function session(server: RunningServer): Promise<string> {
  const res = await fetch(`${server.url}/v1/session`, { method: 'POST' });
  return sessionResponseSchema.parse(await res.json()).token;
}

async function client(server: RunningServer, token: string, fetchImpl: typeof fetch, seed: number) {
  const storage = createMemoryOutboxStorage(`ref-${seed}`);
  const store = await LocalStore.open({ storage, collections: [counters] });
  const transport = createFetchTransport({
    baseUrl: server.url,
    fetch: fetchImpl,
    timeoutMs: 10_000,
    headers: async () => ({ authorization: `Bearer ${token}` }),
  });
  const loop = new SyncLoop({
    storage,
    store,
    transport,
    clock: Date,
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    random: seeded(seed),
    policy: { baseMs: 2, capMs: 20, maxBatchCount: 7 },
    visible: false,
  });
  store.onWritesCommitted(() => loop.kick());
  return { storage, store, loop };
}

describe('SyncLoop against the reference server', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-sync-ref-'));
    server = await startServer({ port: 0, dataDir, rateLimit: false, log: () => undefined });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('pushes, acknowledges and pulls between two clients of one user', async () => {
    const token = await session(server);
    const a = await client(server, token, fetch, 1);
    const b = await client(server, token, fetch, 2);
    a.loop.start();
    b.loop.start();
    await a.store.put('counters', 'x', { n: 1 });
    await a.loop.flush();
    expect(await a.store.get('counters', 'x')).toMatchObject({ version: 1, pendingWrites: 0 });
    b.loop.setVisible(true);
    await b.loop.whenIdle();
    expect(await b.store.get('counters', 'x')).toMatchObject({ value: { n: 1 }, version: 1 });
    a.loop.close();
    b.loop.close();
  });

  test('applies every write exactly once and in order through a server that fails at random', async () => {
    const token = await session(server);
    const failures: string[] = [];
    const clients = await Promise.all(
      [1, 2].map((seed) => client(server, token, flakyFetch(seeded(seed * 97), 0.35, failures), seed)),
    );
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4'];
    const rounds = 8;
    for (const c of clients) c.loop.start();
    await Promise.all(
      clients.map(async (c, i) => {
        for (let n = 1; n <= rounds; n++) {
          for (const key of keys) await c.store.put('counters', `c${i}-${key}`, { n });
        }
        await c.loop.flush();
      }),
    );
    expect(failures.length).toBeGreaterThan(5);
    expect(failures).toContain('answer-lost');

    // A fresh client pulls what the server holds: each document was written `rounds` times by one
    // client, so version === rounds proves each write applied exactly once, and n === rounds that the
    // last one applied last.
    const reader = await client(server, token, fetch, 3);
    reader.loop.start();
    await reader.loop.whenIdle();
    const page = await reader.store.list('counters', { limit: 1000 });
    expect(page.items.map((d) => [d.key, d.value, d.version])).toEqual(
      ['c0', 'c1'].flatMap((c) => keys.map((k) => [`${c}-${k}`, { n: rounds }, rounds])),
    );
    for (const c of clients) {
      expect(c.loop.status.current).toMatchObject({ pending: 0, deadLetters: 0, conflicts: 0 });
      c.loop.close();
    }
    reader.loop.close();
  });
});
