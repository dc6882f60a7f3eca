import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import { httpStatusFor } from '../../server/http/http-status.ts';
import { openSyncStore } from '../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { isErrorCode } from '../../src/error-messages.ts';
import { randomId } from '../../src/protocol/ids.ts';
import { pullResponseSchema, sessionResponseSchema } from '../../src/protocol/pull-messages.ts';
import { pushResponseSchema } from '../../src/protocol/push-messages.ts';
import { checkProperty, LONG_RUN } from '../support/property.ts';
import {
  type FuzzRequest,
  type FuzzWorld,
  healthRequests,
  pullRequests,
  pushRequests,
  sessionRequests,
  unknownRouteRequests,
} from './support/fuzz-requests.ts';
import { put, testClient } from './support/sync-client.ts';

/** Generated requests per endpoint in CI; OUTBOX_LONG=1 multiplies by 20. */
const RUNS = 1000;
const TIMEOUT_MS = LONG_RUN ? 3_600_000 : 300_000;
const LIMITS = { maxWritesPerPush: 20, maxBodyBytes: 64 * 1024, maxDocBytes: 2048 };
const CURSOR = /^(0|[1-9][0-9]{0,18})$/;
const LIMIT = /^[1-9][0-9]{0,3}$/;

/** Whether a body is text, or bytes that are valid UTF-8 (JSON must be). */
const isUtf8 = (body: FuzzRequest['body']): boolean => {
  if (typeof body === 'string' || body === undefined) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
    return true;
  } catch {
    return false;
  }
};

/** Whether a pull query is one the documented grammar accepts (written apart from the parser). */
function validPullQuery(path: string): boolean {
  const url = new URL(`http://x${path}`);
  const names = [...url.searchParams.keys()];
  if (names.some((n) => n !== 'cursor' && n !== 'limit' && n !== 'resync') || new Set(names).size !== names.length) return false;
  if (url.searchParams.has('resync') && url.searchParams.get('resync') !== '1') return false;
  const cursor = url.searchParams.get('cursor');
  const limit = url.searchParams.get('limit');
  if (cursor !== null && !(CURSOR.test(cursor) && BigInt(cursor) < 2n ** 63n)) return false;
  return limit === null || (LIMIT.test(limit) && Number(limit) <= 1000);
}

describe('endpoint fuzzing (in-process)', () => {
  const secret = randomBytes(32);
  const world: FuzzWorld = { secret, userId: randomId(), clientId: randomId(), victimClientId: randomId() };
  const victimId = randomId();
  const victimToken = issueToken(secret, victimId, 3_600_000);
  /** Cursors past everything the fuzz user and the victim held so far. */
  let ownCursor = '0';
  let victimCursor = '0';
  let store: SyncStore;
  let app: ReturnType<typeof createApp>;
  const errorLines: unknown[] = [];
  /** The fuzz user's documents as the 200 answers say they must be: `collection/key` → version. */
  const applied = new Map<string, number>();
  const tally = new Map<string, { requests: number; byStatus: Record<number, number>; byCode: Record<string, number> }>();
  let victimFeedBefore: unknown;

  const send = async (r: FuzzRequest): Promise<Response> => {
    const init: RequestInit = { method: r.method, headers: r.headers };
    if (r.body !== undefined) init.body = r.body as BodyInit;
    return app.request(r.path, init, { incoming: { socket: { remoteAddress: r.address } } });
  };
  const victim = () => testClient(async (path, init) => app.request(path, init), victimToken, world.victimClientId);

  beforeAll(async () => {
    store = await openSyncStore({ dataDir: 'memory' });
    const log = (line: Readonly<Record<string, unknown>>) => {
      if (line.level === 'error') errorLines.push(line);
    };
    app = createApp({ store, secret, rateLimit: false, limits: LIMITS, log });
    // The victim owns a client id the fuzzer sometimes sends, and documents it must never see change.
    await victim().pushOk([put(1, 'v1', { mine: true }, null, 'private'), put(2, 'v2', [1, 2, 3], null, 'private')]);
    victimFeedBefore = await victim().pullAll();
    victimCursor = (await store.pull(victimId, '0', 1000)).cursor;
  });
  afterAll(async () => {
    for (const [name, t] of tally) {
      console.log(
        `endpoint fuzz ${name}: ${t.requests} requests, statuses ${JSON.stringify(t.byStatus)}, refusals ${JSON.stringify(t.byCode)}`,
      );
    }
    await store?.close();
  });

  /**
   * What every answer must be: 2xx only where the request was valid, otherwise a JSON 4xx whose
   * code is a known one with that status; never a 5xx.
   */
  async function checkAnswer(name: string, r: FuzzRequest, res: Response, mayPass: boolean): Promise<unknown> {
    const t = tally.get(name) ?? { requests: 0, byStatus: {}, byCode: {} };
    tally.set(name, t);
    t.requests++;
    t.byStatus[res.status] = (t.byStatus[res.status] ?? 0) + 1;
    expect(res.status, `${r.method} ${r.path.slice(0, 200)}`).toBeLessThan(500);
    if (r.method === 'HEAD') return undefined;
    const body: unknown = await res.json();
    if (res.status < 300) {
      expect(mayPass, `answered ${res.status} to ${r.method} ${r.path.slice(0, 200)}`).toBe(true);
      return body;
    }
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const code = (body as { error?: { code?: unknown } }).error?.code;
    const answer = `${res.status} ${String(code)}`;
    t.byCode[answer] = (t.byCode[answer] ?? 0) + 1;
    expect(isErrorCode(code), `unknown code ${String(code)}`).toBe(true);
    expect(httpStatusFor(code as never)).toBe(res.status);
    return undefined;
  }

  test(
    'answers 1,000 generated pushes with a JSON 4xx and a known code, or a 200 for a valid one; never a 5xx',
    async () => {
      await checkProperty(
        RUNS,
        fc.asyncProperty(pushRequests(world), async (r) => {
          const res = await send(r);
          const body = await checkAnswer('push', r, res, r.method === 'POST' && r.auth !== 'bad' && isUtf8(r.body));
          // What this request stored for the fuzz user, read straight from the store: exactly what a 200 applied.
          const stored = await store.pull(world.userId, ownCursor, 1000);
          ownCursor = stored.cursor;
          const expected = new Map<string, number>();
          if (body !== undefined && r.auth === 'valid') {
            const sent = JSON.parse(String(r.body)) as { writes: { collection: string; key: string }[] };
            for (const [i, result] of pushResponseSchema.parse(body).results.entries()) {
              const w = sent.writes[i]!;
              if (result.status === 'applied') expected.set(`${w.collection}/${w.key}`, result.version);
            }
          }
          expect(new Map(stored.changes.map((c) => [`${c.collection}/${c.key}`, c.version]))).toEqual(expected);
          for (const [k, v] of expected) applied.set(k, v);
          expect((await store.pull(victimId, victimCursor, 1)).changes).toEqual([]);
        }),
      );
    },
    TIMEOUT_MS,
  );

  test(
    'answers 1,000 generated pulls with 200 exactly when the query follows the grammar, else a JSON 4xx',
    async () => {
      await checkProperty(
        RUNS,
        fc.asyncProperty(pullRequests(world), async (r) => {
          const res = await send(r);
          const valid = (r.method === 'GET' || r.method === 'HEAD') && r.auth !== 'bad' && validPullQuery(r.path);
          const body = await checkAnswer('pull', r, res, valid);
          if (valid && r.method === 'GET') expect(res.status).toBe(200);
          if (body !== undefined) {
            // Never the victim's documents (only it writes to the 'private' collection).
            expect(pullResponseSchema.parse(body).changes.filter((c) => c.collection === 'private')).toEqual([]);
          }
        }),
      );
    },
    TIMEOUT_MS,
  );

  test(
    'answers 1,000 generated session requests with a session, 429 session-rate-limited or a JSON 4xx',
    async () => {
      await checkProperty(
        RUNS,
        fc.asyncProperty(sessionRequests(), async (r) => {
          const res = await send(r);
          const body = await checkAnswer('session', r, res, r.method === 'POST');
          if (body !== undefined) sessionResponseSchema.parse(body);
        }),
      );
    },
    TIMEOUT_MS,
  );

  test(
    'answers 1,000 generated health checks with ok or a JSON 4xx',
    async () => {
      await checkProperty(
        RUNS,
        fc.asyncProperty(healthRequests(world), async (r) => {
          const res = await send(r);
          const body = await checkAnswer('health', r, res, r.method === 'GET' || r.method === 'HEAD');
          if (body !== undefined) expect(body).toEqual({ ok: true, store: 'pglite' });
        }),
      );
    },
    TIMEOUT_MS,
  );

  test(
    'answers 1,000 requests to unknown routes with a JSON 4xx',
    async () => {
      const routes = new Set([
        'POST /v1/push',
        'GET /v1/pull',
        'HEAD /v1/pull',
        'POST /v1/session',
        'GET /v1/health',
        'HEAD /v1/health',
      ]);
      await checkProperty(
        RUNS,
        fc.asyncProperty(unknownRouteRequests(world), async (r) => {
          let res: Response;
          try {
            res = await send(r);
          } catch (e) {
            // A path no Request can carry never reaches a server; nothing to check.
            if (e instanceof TypeError) return;
            throw e;
          }
          const route = `${r.method} ${new URL(`http://x${r.path}`).pathname}`;
          await checkAnswer('unknown route', r, res, routes.has(route));
        }),
      );
    },
    TIMEOUT_MS,
  );

  test('after the fuzzing: stays up, logged no error, stored only what 200 answers applied, and left the victim alone', async () => {
    expect((await app.request('/v1/health')).status).toBe(200);
    expect(errorLines).toEqual([]);
    const own = await testClient(
      async (path, init) => app.request(path, init),
      issueToken(secret, world.userId, 60_000),
    ).pullAll();
    expect(new Map(own.map((c) => [`${c.collection}/${c.key}`, c.version]))).toEqual(applied);
    expect(await victim().pullAll()).toEqual(victimFeedBefore);
    console.log(
      `endpoint fuzz: the fuzz user holds ${own.length} documents, each from a 200 answer; the victim's ${(victimFeedBefore as unknown[]).length} unchanged`,
    );
  });
});
