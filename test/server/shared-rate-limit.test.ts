import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { createTestSchema, requirePostgres } from './support/postgres.ts';
import { testClient } from './support/sync-client.ts';

// Throws on CI when PostgreSQL is unreachable (CI machines have it); elsewhere the file is skipped.
const run = await requirePostgres();

describe.runIf(run)('the rate limit of two server instances sharing one PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let one: RunningServer;
  let two: RunningServer;
  const secret = randomBytes(32);
  beforeAll(async () => {
    schema = await createTestSchema();
    // A refill this slow adds no token while the test runs: the burst is the whole budget.
    const options = {
      databaseUrl: schema.url,
      dataDir: 'memory',
      secret,
      rateLimit: { burst: 5, perSecond: 0.001 },
      sharedRateLimit: true,
      log: () => undefined,
    } as const;
    [one, two] = await Promise.all([startServer(options), startServer(options)]);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await schema?.drop();
  });

  test('gives a user one budget across both instances, then answers 429 rate-limited with Retry-After on either', async () => {
    const token = issueToken(secret, randomId(), 60_000);
    const via = (server: RunningServer) => testClient((path, init) => fetch(`${server.url}${path}`, init), token);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const res = await via(i % 2 === 0 ? one : two).pull();
      statuses.push(res.status);
      if (res.status === 429) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(((await res.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
      } else {
        await res.body?.cancel();
      }
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    // Another user has a budget of its own.
    const other = testClient((path, init) => fetch(`${one.url}${path}`, init), issueToken(secret, randomId(), 60_000));
    expect((await other.pull()).status).toBe(200);
  });
});
