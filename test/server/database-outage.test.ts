import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { randomId } from '../../src/protocol/ids.ts';
import type { PushResponse, WireWrite } from '../../src/protocol/push-messages.ts';
import { LONG_RUN } from '../support/property.ts';
import { seeded } from '../support/seeded-random.ts';
import { postgresBinDir, type PrivatePostgres, type StopMode, startPrivatePostgres } from './support/private-postgres.ts';
import { put, testClient } from './support/sync-client.ts';

const binDir = postgresBinDir();
if (binDir === undefined && process.env.CI) {
  throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql/*/bin, and CI is set: .ci/run installs them.');
}

const SEED = Number(process.env.OUTBOX_SEED ?? Date.now() % 1_000_000);
const CLIENTS = 6;
/** `OUTBOX_LONG=1`: four times the outages and the writes. */
const SCALE = LONG_RUN ? 4 : 1;
const WRITES_PER_CLIENT = 150 * SCALE;
/** Each outage: the stop, then this many 503 answers seen by the clients before the database comes back. */
const OUTAGE_503S = 4;

/** What the clients saw, counted. */
interface Tally {
  acked: number;
  unavailable: number;
  unavailableWithoutRetryAfter: string[];
  otherStatuses: number[];
  networkErrors: number;
  unexpectedResults: string[];
}

describe.runIf(binDir !== undefined)('the server while its PostgreSQL restarts', () => {
  let pg: PrivatePostgres;
  let server: RunningServer;
  const secret = randomBytes(32);
  beforeAll(async () => {
    pg = await startPrivatePostgres(binDir ?? '');
    const limits = { requestTimeoutMs: 15_000 };
    server = await startServer({
      databaseUrl: pg.url,
      dataDir: 'memory',
      secret,
      rateLimit: false,
      limits,
      log: () => undefined,
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await pg?.destroy();
  }, 60_000);

  test(
    'stays up, answers 503 with Retry-After while the database is down, recovers, and applies every write exactly once',
    async () => {
      const random = seeded(SEED);
      const tally: Tally = {
        acked: 0,
        unavailable: 0,
        unavailableWithoutRetryAfter: [],
        otherStatuses: [],
        networkErrors: 0,
        unexpectedResults: [],
      };
      const clients = Array.from({ length: CLIENTS }, (_, i) => {
        const userId = `user-${i % 3}`;
        const clientId = randomId();
        const writes = Array.from({ length: WRITES_PER_CLIENT }, (_, s) =>
          put(s + 1, `${clientId}-k${Math.floor(random() * 5)}`, { clientId, seq: s + 1 }),
        );
        const batchSizes = writes.map(() => 1 + Math.floor(random() * 8));
        return { userId, clientId, writes, batchSizes, token: issueToken(secret, userId, 3_600_000) };
      });
      const modes: StopMode[] = ['fast', 'immediate', 'kill-9', 'fast', 'immediate'];
      const outages = Array.from({ length: SCALE }, () => modes).flat();
      const done = { clients: false };
      const healthDuringOutages: string[] = [];
      const chaos = (async () => {
        for (const mode of outages) {
          await until(() => tally.acked >= 40 || done.clients);
          if (done.clients) return;
          const before = tally.unavailable;
          await pg.stop(mode);
          await until(() => tally.unavailable >= before + OUTAGE_503S || done.clients);
          const health = await fetch(`${server.url}/v1/health`);
          await health.body?.cancel();
          healthDuringOutages.push(`${health.status} retry-after ${health.headers.get('retry-after')}`);
          await pg.start();
          tally.acked = 0;
        }
      })();
      const deadline = Date.now() + 90_000 * SCALE;
      await Promise.all(
        clients.map((c) =>
          pushAll(
            testClient((path, init) => fetch(`${server.url}${path}`, init), c.token, c.clientId),
            c,
            tally,
            deadline,
          ),
        ),
      );
      done.clients = true;
      await chaos;

      expect(tally.otherStatuses).toEqual([]);
      expect(tally.networkErrors).toBe(0);
      expect(tally.unexpectedResults).toEqual([]);
      expect(tally.unavailable).toBeGreaterThanOrEqual(outages.length);
      expect(tally.unavailableWithoutRetryAfter).toEqual([]);
      expect(new Set(healthDuringOutages)).toEqual(new Set(['503 retry-after 2']));
      expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);

      const sql = postgres(pg.url, { max: 1, onnotice: () => undefined });
      try {
        const ids = new Set((await sql<{ write_id: string }[]>`SELECT write_id FROM processed_writes`).map((r) => r.write_id));
        const docs = await sql<{ key: string; version: number; value_json: string }[]>`SELECT key, version, value_json FROM docs`;
        const byKey = new Map(docs.map((d) => [d.key, d]));
        let lost = 0;
        let doubledOrMisordered = 0;
        for (const c of clients) {
          lost += c.writes.filter((w) => !ids.has(w.id)).length;
          for (const [key, writes] of groupByKey(c.writes)) {
            const doc = byKey.get(key);
            const last = writes.at(-1);
            if (doc === undefined || doc.version !== writes.length || doc.value_json !== JSON.stringify(last?.value))
              doubledOrMisordered++;
          }
        }
        console.log(
          `database outage (OUTBOX_SEED=${SEED}): ${outages.length} outages (${count(outages)}), ${CLIENTS * WRITES_PER_CLIENT} writes, ` +
            `${tally.unavailable} answers 503, lost ${lost}, doubled or misordered documents ${doubledOrMisordered}`,
        );
        expect(ids.size).toBe(CLIENTS * WRITES_PER_CLIENT);
        expect(lost).toBe(0);
        expect(doubledOrMisordered).toBe(0);
      } finally {
        await sql.end({ timeout: 5 });
      }
    },
    150_000 * SCALE,
  );
});

/**
 * One client: pushes its writes oldest first in batches, resends whatever was not
 * answered (503 or anything else) until every write is acknowledged.
 */
async function pushAll(
  client: ReturnType<typeof testClient>,
  c: { writes: WireWrite[]; batchSizes: number[] },
  tally: Tally,
  deadline: number,
): Promise<void> {
  let next = 0;
  while (next < c.writes.length) {
    if (Date.now() > deadline)
      throw new Error(`client ${client.clientId} did not finish in time (${next} of ${c.writes.length} acknowledged)`);
    const batch = c.writes.slice(next, next + (c.batchSizes[next] ?? 1));
    let res: Response;
    try {
      res = await client.push(batch);
    } catch {
      tally.networkErrors++;
      await pause();
      continue;
    }
    if (res.status === 503) {
      tally.unavailable++;
      const text = await res.text();
      if (res.headers.get('retry-after') === null) tally.unavailableWithoutRetryAfter.push(text);
      await pause();
      continue;
    }
    if (res.status !== 200) {
      tally.otherStatuses.push(res.status);
      await res.body?.cancel();
      await pause();
      continue;
    }
    const body = (await res.json()) as PushResponse;
    for (const r of body.results) {
      const ok = r.status === 'applied' || (r.status === 'duplicate' && r.original.status === 'applied');
      if (!ok) tally.unexpectedResults.push(JSON.stringify(r));
    }
    next += batch.length;
    tally.acked += batch.length;
  }
}

/** A client's pause before resending (the test does not wait the whole Retry-After). */
const pause = () => new Promise((r) => setTimeout(r, 25));

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 10));
}

function count(modes: readonly StopMode[]): string {
  const n = new Map<StopMode, number>();
  for (const m of modes) n.set(m, (n.get(m) ?? 0) + 1);
  return [...n].map(([m, k]) => `${k}× ${m}`).join(', ');
}

function groupByKey(writes: readonly WireWrite[]): Map<string, WireWrite[]> {
  const groups = new Map<string, WireWrite[]>();
  for (const w of writes) groups.set(w.key, [...(groups.get(w.key) ?? []), w]);
  return groups;
}
