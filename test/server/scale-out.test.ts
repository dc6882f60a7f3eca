import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { randomId } from '../../src/protocol/ids.ts';
import type { PushResponse } from '../../src/protocol/push-messages.ts';
import { createTestSchema, requirePostgres } from './support/postgres.ts';
import { put, testClient } from './support/sync-client.ts';

// Throws on CI when PostgreSQL is unreachable (CI machines have it); elsewhere the file is skipped.
const run = await requirePostgres();

describe.runIf(run)('two server instances sharing one PostgreSQL', () => {
  let schema: Awaited<ReturnType<typeof createTestSchema>>;
  let one: RunningServer;
  let two: RunningServer;
  const secret = randomBytes(32);
  beforeAll(async () => {
    schema = await createTestSchema();
    const options = { databaseUrl: schema.url, dataDir: 'memory', secret, rateLimit: false, log: () => undefined } as const;
    [one, two] = await Promise.all([startServer(options), startServer(options)]);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await schema?.drop();
  });

  test('apply a batch pushed to both at the same moment exactly once', async () => {
    for (let round = 0; round < 5; round++) {
      const token = issueToken(secret, randomId(), 60_000);
      const clientId = randomId();
      const via = (server: RunningServer) => testClient((path, init) => fetch(`${server.url}${path}`, init), token, clientId);
      const batch = Array.from({ length: 200 }, (_, i) => put(i + 1, `k${i % 20}`, i, null));
      const answers: PushResponse[] = await Promise.all([via(one).pushOk(batch), via(two).pushOk(batch)]);
      const applied = answers.map((a) => a.results.filter((r) => r.status === 'applied').length);
      const duplicates = answers.map((a) => a.results.filter((r) => r.status === 'duplicate').length);
      expect(applied.sort()).toEqual([0, 200]);
      expect(duplicates.sort()).toEqual([0, 200]);
      const feed = await via(one).pullAll();
      expect(feed).toHaveLength(20);
      expect(feed.every((ch) => ch.version === 10)).toBe(true);
    }
  });
});
