import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { z } from 'zod';
import { issueToken } from '../../../server/auth/hmac-token.ts';
import { type RunningServer, startServer } from '../../../server/start-server.ts';
import { defineCollection } from '../../../src/core/docs/define-collection.ts';
import { LocalStore } from '../../../src/core/docs/local-store.ts';
import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { createFetchTransport } from '../../../src/core/sync/fetch-transport.ts';
import { SyncLoop } from '../../../src/core/sync/sync-loop.ts';
import { randomId, type WriteId } from '../../../src/protocol/ids.ts';
import type { JsonValue } from '../../../src/protocol/json-value.ts';
import { checkProperty } from '../../support/property.ts';

const notes = defineCollection({
  name: 'notes',
  kind: 'append',
  schema: z.object({ n: z.number().int() }).strict() as z.ZodType<JsonValue>,
});

/**
 * Ways a write that put() would never let through still reaches the outbox (an older client
 * version, a hand-edited database): each makes the reference server refuse the whole batch
 * with a 400 `invalid-request` that names the write's position.
 */
const BAD_WRITES = {
  'a put without a value': { key: 'no-value', value: undefined },
  'a key holding U+0000': { key: 'nul\u0000key', value: { n: 0 } },
} as const;
type BadKind = keyof typeof BAD_WRITES;

/** A token for a new user of its own, signed with the server's secret (no session minted, so no session budget spent). */
const session = (server: RunningServer): string => issueToken(server.secret, `bisect-${randomId()}`, 3_600_000);

/** A client whose outbox holds `plan` in order: a valid note, or a bad write injected into storage. */
async function clientWith(server: RunningServer, plan: readonly (BadKind | 'valid')[], maxBatchCount: number) {
  const token = session(server);
  const storage = createMemoryOutboxStorage(`bisect-${Math.random()}`);
  const store = await LocalStore.open({ storage, collections: [notes] });
  const statuses: number[] = [];
  const transport = createFetchTransport({
    baseUrl: server.url,
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      const res = await fetch(input, init);
      statuses.push(res.status);
      return res;
    }) as typeof fetch,
    timeoutMs: 10_000,
    headers: async () => ({ authorization: `Bearer ${token}` }),
  });
  const loop = new SyncLoop({
    storage,
    store,
    transport,
    clock: Date,
    timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    random: () => 0.5,
    policy: { baseMs: 2, capMs: 20, maxBatchCount },
    visible: false,
  });
  const valid: string[] = [];
  const bad: WriteId[] = [];
  for (const [i, kind] of plan.entries()) {
    if (kind === 'valid') {
      await store.put('notes', `k${i}`, { n: i });
      valid.push(`k${i}`);
      continue;
    }
    const { key, value } = BAD_WRITES[kind];
    const id = randomId() as WriteId;
    bad.push(id);
    await storage.transact('readwrite', (tx) =>
      tx.addWrite({
        v: 1,
        id,
        clientId: store.clientId,
        collection: 'notes',
        key: `${key}-${i}`,
        op: 'put',
        ...(value === undefined ? {} : { value }),
        baseVersion: null,
        createdAt: Date.now(),
        size: 8,
        attempts: 0,
        leaseUntil: null,
        firstFailedAt: null,
        lastError: null,
      }),
    );
  }
  return { token, storage, store, loop, valid, bad, statuses };
}

/** The keys the server holds for this user, read by a fresh client's pull. */
async function serverKeys(server: RunningServer, token: string): Promise<string[]> {
  const res = await fetch(`${server.url}/v1/pull?limit=1000`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { changes: { key: string }[] };
  return body.changes.map((c) => c.key).sort();
}

describe('SyncLoop against the reference server', () => {
  let server: RunningServer;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'outbox-bisect-'));
    server = await startServer({ port: 0, dataDir, rateLimit: false, log: () => undefined });
  });

  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('a batch the server refuses whole', () => {
    test('applies the valid neighbours and dead-letters only the write that was refused', async () => {
      const plan = ['valid', 'valid', 'valid', 'a key holding U+0000', 'valid', 'valid', 'valid'] as const;
      const c = await clientWith(server, plan, 500);
      c.loop.start();
      await expect(c.loop.flush()).rejects.toMatchObject({ code: 'dead-lettered' });
      // flush() rejects at the first dead letter; the writes after it are still being sent.
      await c.loop.whenIdle();

      expect(await serverKeys(server, c.token)).toEqual([...c.valid].sort());
      const letters = await c.storage.transact('readonly', (tx) => tx.listDeadLetters());
      expect(letters.map((l) => [l.id, l.reason, l.code])).toEqual([[c.bad[0], 'rejected', 'invalid-request']]);
      expect(c.loop.status.current).toMatchObject({ pending: 0, deadLetters: 1 });
      c.loop.close();
    });

    test('dead-letters exactly the bad writes, wherever they sit and however many there are', async () => {
      const plan = fc.array(
        fc.oneof(
          { weight: 3, arbitrary: fc.constant('valid' as const) },
          fc.constantFrom(...(Object.keys(BAD_WRITES) as BadKind[])),
        ),
        {
          minLength: 1,
          maxLength: 14,
        },
      );
      await checkProperty(
        12,
        fc.asyncProperty(plan, fc.constantFrom(3, 5, 500), async (kinds, maxBatchCount) => {
          const c = await clientWith(server, kinds, maxBatchCount);
          c.loop.start();
          const flushed = await c.loop.flush().then(
            () => 'ok',
            (e: { code?: string }) => e.code,
          );
          expect(flushed).toBe(c.bad.length === 0 ? 'ok' : 'dead-lettered');
          await c.loop.whenIdle();
          expect(await serverKeys(server, c.token)).toEqual([...c.valid].sort());
          const letters = await c.storage.transact('readonly', (tx) => tx.listDeadLetters());
          expect(letters.map((l) => l.id).sort()).toEqual([...c.bad].sort());
          expect(c.loop.status.current).toMatchObject({ pending: 0, deadLetters: c.bad.length });
          c.loop.close();
        }),
      );
    });
  });
});
