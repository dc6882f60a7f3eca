import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import { runMigrations } from '../../server/store/migrations.ts';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import { openPostgresDriver } from '../../server/store/postgres-driver.ts';
import type { SqlDriver } from '../../server/store/sql-driver.ts';
import { createSyncStore } from '../../server/store/sync-store.ts';
import { randomId } from '../../src/protocol/ids.ts';
import type { Change, PullResponse } from '../../src/protocol/pull-messages.ts';
import type { WireWrite } from '../../src/protocol/push-messages.ts';
import { checkProperty, LONG_RUN } from '../support/property.ts';
import { createTestSchema, requirePostgres } from './support/postgres.ts';
import { del, put, type Send, type TestClient, testClient } from './support/sync-client.ts';

/** A migrated store and the driver under it (for the ground truth and to move the change sequence). */
type PagingFactory = () => Promise<{ driver: SqlDriver; cleanup(): Promise<void> }>;

const secret = randomBytes(32);
const COLLECTIONS = ['notes', 'tasks'] as const;
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'] as const;

/** One write of a generated history: its document, and whether it is based on the version the client last saw. */
const writeArb = fc.record({
  op: fc.constantFrom('put', 'put', 'delete'),
  collection: fc.constantFrom(...COLLECTIONS),
  key: fc.constantFrom(...KEYS),
  based: fc.constantFrom('current', 'current', 'current', 'stale'),
});
const pushArb = fc.record({ user: fc.nat(2), client: fc.nat(1), writes: fc.array(writeArb, { minLength: 1, maxLength: 8 }) });
const historyArb = fc.record({
  /** The change sequence restarts just below 10^exponent, so ids cross a power of ten mid-history. */
  exponent: fc.integer({ min: 2, max: 17 }),
  below: fc.integer({ min: 1, max: 25 }),
  pushes: fc.array(pushArb, { minLength: 1, maxLength: 10 }),
  /** Where a device pulls mid-history (index into pushes), and which user. */
  midPass: fc.record({ at: fc.nat(), user: fc.nat(2), limit: fc.integer({ min: 1, max: 7 }) }),
  finalPasses: fc.array(fc.record({ start: fc.nat(), limit: fc.integer({ min: 1, max: 12 }) }), {
    minLength: 1,
    maxLength: 3,
  }),
});
type History = typeof historyArb extends fc.Arbitrary<infer T> ? T : never;

interface TruthRow {
  id: bigint;
  change: Change;
}

/**
 * The pull feed as docs/PROTOCOL.md promises it, checked against histories of pushes by several
 * users and clients, with change ids that cross powers of ten, arbitrary limits and start cursors.
 */
function runPullPaging(name: string, factory: PagingFactory): void {
  describe(`pull paging on ${name}`, () => {
    let opened: Awaited<ReturnType<PagingFactory>>;
    let send: Send;
    beforeAll(async () => {
      opened = await factory();
      const app = createApp({ store: createSyncStore(opened.driver), secret, rateLimit: false, log: () => undefined });
      send = async (path, init) => app.request(path, init);
    });
    const seen = { histories: 0, changes: 0, pages: 0, highestId: 0n };
    afterAll(async () => {
      console.log(
        `pull paging on ${name}: ${seen.histories} histories, ${seen.changes} changes delivered over ${seen.pages} pages, change ids up to ${seen.highestId}, none skipped or doubled`,
      );
      await opened?.cleanup();
    });

    const restartChangeIds = (next: bigint) =>
      opened.driver.query(`SELECT setval('change_seq', $1::bigint, false)`, [next.toString()]);

    /** The user's feed as the table holds it, ordered by the numeric change id (sorted here, not in SQL). */
    const truth = async (userId: string): Promise<TruthRow[]> => {
      const rows = await opened.driver.query<{
        collection: string;
        key: string;
        version: number;
        value_json: string | null;
        deleted: boolean;
        written_at: string;
        id: string;
      }>(
        `SELECT collection, key, version, value_json, deleted, written_at::text AS written_at, change_id::text AS id
         FROM docs WHERE user_id = $1`,
        [userId],
      );
      return rows
        .map((r) => {
          const base = { collection: r.collection, key: r.key, version: r.version, writtenAt: Number(r.written_at) };
          const change: Change = r.deleted
            ? { ...base, op: 'delete' }
            : { ...base, op: 'put', value: JSON.parse(r.value_json ?? 'null') };
          return { id: BigInt(r.id), change };
        })
        .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    };

    /** Pages from `start` until hasMore is false; checks every page against the truth and returns the final cursor. */
    const checkPass = async (client: TestClient, userId: string, start: bigint, limit: number): Promise<bigint> => {
      const expected = (await truth(userId)).filter((r) => r.id > start);
      const idOf = new Map(expected.map((r) => [`${r.change.collection}/${r.change.key}`, r.id]));
      const delivered: Change[] = [];
      let cursor = start;
      for (let page = 0; ; page++) {
        expect(page).toBeLessThanOrEqual(expected.length + 1);
        const res = await client.pull(`?cursor=${cursor}&limit=${limit}`);
        expect(res.status).toBe(200);
        const body = (await res.json()) as PullResponse;
        expect(body.changes.length).toBeLessThanOrEqual(limit);
        const last = body.changes.at(-1);
        const next = last === undefined ? cursor : idOf.get(`${last.collection}/${last.key}`);
        expect(body.cursor).toBe(String(next));
        delivered.push(...body.changes);
        cursor = BigInt(body.cursor);
        seen.pages++;
        seen.changes += body.changes.length;
        if (cursor > seen.highestId) seen.highestId = cursor;
        if (!body.hasMore) break;
        expect(body.changes.length).toBe(limit);
      }
      // Exactly once each, in ascending change-id order, only this user's, and nothing past the final cursor.
      expect(delivered).toEqual(expected.map((r) => r.change));
      expect(cursor).toBe(expected.at(-1)?.id ?? start);
      return cursor;
    };

    test('delivers k1…k11 pushed in one batch from change id 1 with limit 2, none skipped', async () => {
      await restartChangeIds(1n);
      const userId = randomId();
      const c = testClient(send, issueToken(secret, userId, 600_000));
      await c.pushOk(Array.from({ length: 11 }, (_, i) => put(i + 1, `k${i + 1}`, i + 1)));
      const keys: string[] = [];
      let cursor = '0';
      for (;;) {
        const body = (await (await c.pull(`?cursor=${cursor}&limit=2`)).json()) as PullResponse;
        keys.push(...body.changes.map((ch) => ch.key));
        cursor = body.cursor;
        if (!body.hasMore) break;
      }
      expect(keys).toEqual(['k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9', 'k10', 'k11']);
      expect(cursor).toBe('11');
    });

    test(
      'delivers every live change up to its final cursor exactly once, ascending, and never another user’s',
      async () => {
        await checkProperty(
          50,
          fc.asyncProperty(historyArb, async (h: History) => {
            seen.histories++;
            await restartChangeIds(10n ** BigInt(h.exponent) - BigInt(h.below));
            const users = [0, 1, 2].map(() => {
              const userId = randomId();
              const token = issueToken(secret, userId, 600_000);
              return { userId, clients: [0, 1].map(() => testClient(send, token)), seq: [0, 0] };
            });
            // The version each user's documents have on the server, from the push answers.
            const versions = users.map(() => new Map<string, number>());
            let mid: { user: number; cursor: bigint } | undefined;
            const midAt = h.midPass.at % h.pushes.length;
            for (const [i, p] of h.pushes.entries()) {
              const u = users[p.user]!;
              const writes: WireWrite[] = p.writes.map((w) => {
                const seq = ++u.seq[p.client]!;
                const current = versions[p.user]!.get(`${w.collection}/${w.key}`) ?? 0;
                const base = w.based === 'current' ? current : current + 1;
                const baseVersion = base === 0 ? null : base;
                return w.op === 'put'
                  ? put(seq, w.key, { user: p.user, seq, at: i }, baseVersion, w.collection)
                  : del(seq, w.key, baseVersion, w.collection);
              });
              const answer = await u.clients[p.client]!.pushOk(writes);
              for (const [j, r] of answer.results.entries()) {
                const w = p.writes[j]!;
                if (r.status === 'applied') versions[p.user]!.set(`${w.collection}/${w.key}`, r.version);
              }
              if (i === midAt) {
                const m = users[h.midPass.user]!;
                mid = { user: h.midPass.user, cursor: await checkPass(m.clients[0]!, m.userId, 0n, h.midPass.limit) };
              }
            }
            // A device that pulled mid-history and carries on from its cursor sees exactly what changed since.
            const m = users[mid!.user]!;
            await checkPass(m.clients[1]!, m.userId, mid!.cursor, h.midPass.limit);
            for (const [ui, u] of users.entries()) {
              const ids = (await truth(u.userId)).map((r) => r.id);
              // The feed holds exactly the documents that some push applied.
              expect(ids.length).toBe(versions[ui]!.size);
              for (const pass of h.finalPasses) {
                // Start at 0, at a handed-out cursor, or just beside one.
                const pick = pass.start % (ids.length * 3 + 1);
                const start = pick === 0 ? 0n : ids[(pick - 1) % ids.length]! + BigInt(((pick - 1) % 3) - 1);
                await checkPass(u.clients[0]!, u.userId, start, pass.limit);
              }
            }
          }),
        );
      },
      LONG_RUN ? 3_600_000 : 120_000,
    );
  });
}

runPullPaging('pglite', async () => {
  const driver = await openPgliteDriver('memory');
  await runMigrations(driver);
  return { driver, cleanup: () => driver.close() };
});

// Throws on CI when PostgreSQL is unreachable, failing the file (CI machines have it).
if (await requirePostgres()) {
  runPullPaging('postgres', async () => {
    const schema = await createTestSchema();
    const driver = await openPostgresDriver(schema.url, { max: 2 });
    await runMigrations(driver);
    return {
      driver,
      cleanup: async () => {
        await driver.close();
        await schema.drop();
      },
    };
  });
}
