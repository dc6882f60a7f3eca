import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import { createApp } from '../../server/create-app.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';
import { randomId, type WriteId } from '../../src/protocol/ids.ts';
import type { PullResponse } from '../../src/protocol/pull-messages.ts';
import type { PushResponse, WireWrite } from '../../src/protocol/push-messages.ts';
import { checkProperty, LONG_RUN } from '../support/property.ts';
import { del, put, type TestClient, testClient } from './support/sync-client.ts';
import { forEachStore } from './support/each-store.ts';

/** Generated attempts by user A per store in CI; OUTBOX_LONG=1 multiplies by 20. */
const RUNS = 150;
const TIMEOUT_MS = LONG_RUN ? 1_800_000 : 120_000;

/** One request user A makes, aimed at what B owns. */
type Attempt =
  | {
      kind: 'push';
      clientId: 'b' | 'a' | 'fresh';
      writes: { id: number | 'fresh'; key: number; op: 'put' | 'delete'; base: number | null }[];
    }
  | { kind: 'pull'; cursor: number; limit: number; resync: boolean }
  | { kind: 'session' | 'health' };

const attempt: fc.Arbitrary<Attempt> = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    clientId: fc.constantFrom('b' as const, 'a' as const, 'fresh' as const),
    writes: fc.array(
      fc.record({
        id: fc.oneof(fc.nat(5), fc.constant('fresh' as const)),
        key: fc.nat(5),
        op: fc.constantFrom('put' as const, 'delete' as const),
        base: fc.option(fc.integer({ min: 1, max: 3 })),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
  fc.record({
    kind: fc.constant('pull' as const),
    cursor: fc.nat(40),
    limit: fc.integer({ min: 1, max: 5 }),
    resync: fc.boolean(),
  }),
  fc.record({ kind: fc.constantFrom('session' as const, 'health' as const) }),
);

function runIsolation(name: string, open: () => Promise<{ store: SyncStore; cleanup(): Promise<void> }>): void {
  describe(`isolation between users (${name})`, () => {
    const secret = randomBytes(32);
    const userA = randomId();
    const userB = randomId();
    const tokenA = issueToken(secret, userA, 3_600_000);
    const tokenB = issueToken(secret, userB, 3_600_000);
    /** What only B knows: its user id, a marker in every value, its key names. */
    const marker = `b-secret-${randomId()}`;
    const bKeys = Array.from({ length: 6 }, (_, i) => `b-key-${i}-${randomId().slice(0, 8)}`);
    let store: SyncStore;
    let cleanup: () => Promise<void>;
    let app: ReturnType<typeof createApp>;
    let b: TestClient;
    let bWrites: WireWrite[];
    let bResults: PushResponse['results'];
    let bFeed: PullResponse['changes'];
    const send = (path: string, init?: RequestInit) => Promise.resolve(app.request(path, init));

    beforeAll(async () => {
      ({ store, cleanup } = await open());
      app = createApp({ store, secret, rateLimit: false, log: () => {} });
      b = testClient(send, tokenB);
      bWrites = [
        ...bKeys.map((key, i) => put(i + 1, key, { text: `${marker} ${i}` })),
        put(7, 'shared-name', { text: `${marker} shared` }),
        del(8, bKeys[0] as string, 1),
      ];
      bResults = (await b.pushOk(bWrites)).results;
      bFeed = await b.pullAll();
      expect(bFeed.length).toBeGreaterThan(0);
    });

    afterAll(async () => {
      await cleanup?.();
    });

    /** Nothing of B in an answer to A: not its user id, not its values, not its keys. */
    const revealsNothingOfB = (text: string): void => {
      expect(text).not.toContain(userB);
      expect(text).not.toContain(marker);
      for (const key of bKeys) expect(text).not.toContain(key);
    };

    test(
      "with A's token, no push, pull, session or health request reaches or reveals B's documents, client id or results",
      async () => {
        const a = testClient(send, tokenA);
        /** Write ids A had processed: the only ones A may be answered `duplicate` for. */
        const aProcessed = new Set<string>();
        const aKeys = ['shared-name', 'a-0', 'a-1', 'a-2', 'a-3', 'a-4'];
        let aSeq = 0;
        /** Answers by endpoint and status, printed for docs/RELIABILITY.md. */
        const tally: Record<string, number> = {};
        await checkProperty(
          RUNS,
          fc.asyncProperty(attempt, async (at) => {
            let res: Response;
            let sentIds: string[] = [];
            if (at.kind === 'push') {
              const clientId = at.clientId === 'b' ? b.clientId : at.clientId === 'a' ? a.clientId : randomId();
              const writes: WireWrite[] = at.writes.map((w) => {
                const id = (w.id === 'fresh' ? randomId() : (bWrites[w.id] as WireWrite).id) as WriteId;
                const seq = ++aSeq;
                const key = aKeys[w.key] as string;
                const base = { seq, id, collection: 'notes', key, baseVersion: w.base, writtenAt: 1_700_000_000_000 + seq };
                return w.op === 'put' ? { ...base, op: 'put', value: { text: `from A ${seq}` } } : { ...base, op: 'delete' };
              });
              sentIds = writes.map((w) => w.id);
              res = await testClient(send, tokenA, clientId).push(writes);
              const text = await res.clone().text();
              if (at.clientId === 'b') {
                expect(res.status).toBe(403);
                expect(JSON.parse(text).error.code).toBe('client-id-taken');
              } else if (res.status === 200) {
                const body = JSON.parse(text) as PushResponse;
                for (const r of body.results) {
                  // A write id B used is a new write of A's: never B's recorded result.
                  if (r.status === 'duplicate') expect(aProcessed.has(r.id)).toBe(true);
                  aProcessed.add(r.id);
                }
              }
            } else if (at.kind === 'pull') {
              const q = `?cursor=${at.cursor}&limit=${at.limit}${at.resync ? '&resync=1' : ''}`;
              res = await a.pull(q);
              if (res.status === 200) {
                const body = (await res.clone().json()) as PullResponse;
                for (const c of body.changes) expect(aKeys).toContain(c.key);
              }
            } else if (at.kind === 'session') {
              res = await app.request('/v1/session', { method: 'POST', headers: { authorization: `Bearer ${tokenA}` } });
            } else {
              res = await app.request('/v1/health', { headers: { authorization: `Bearer ${tokenA}` } });
            }
            expect(res.status).toBeLessThan(500);
            const tallied = `${at.kind} ${res.status}`;
            tally[tallied] = (tally[tallied] ?? 0) + 1;
            const text = await res.text();
            revealsNothingOfB(text);
            // B's write ids appear only where A sent them itself.
            for (const w of bWrites) if (!sentIds.includes(w.id)) expect(text).not.toContain(w.id);
          }),
        );
        console.log(`isolation (${name}): ${JSON.stringify(tally)}`);
        // B's feed and recorded results are as they were: a resend of B's batch is answered from B's records.
        expect(await b.pullAll()).toEqual(bFeed);
        const resent = await b.pushOk(bWrites);
        expect(resent.results.map((r) => (r.status === 'duplicate' ? r.original : r))).toEqual(bResults);
        // A never saw any of B's documents: its own full feed holds only its keys.
        for (const c of await a.pullAll()) expect(aKeys).toContain(c.key);
      },
      TIMEOUT_MS,
    );

    const badTokens = (): { name: string; header: string | undefined; code: string }[] => {
      const other = randomBytes(32);
      const tampered = `${tokenB.slice(0, -1)}${tokenB.endsWith('A') ? 'B' : 'A'}`;
      return [
        { name: 'missing', header: undefined, code: 'token-missing' },
        { name: 'empty header', header: '', code: 'token-missing' },
        { name: 'bearer without a token', header: 'Bearer ', code: 'token-invalid' },
        { name: 'not a token', header: 'Bearer nonsense', code: 'token-invalid' },
        {
          name: "forged for B's user id with another secret",
          header: `Bearer ${issueToken(other, userB, 3_600_000)}`,
          code: 'token-invalid',
        },
        { name: "B's token with one character changed", header: `Bearer ${tampered}`, code: 'token-invalid' },
        { name: "B's token, expired", header: `Bearer ${issueToken(secret, userB, -1_000)}`, code: 'token-expired' },
        { name: "A's token under another scheme", header: `Basic ${tokenA}`, code: 'token-invalid' },
      ];
    };

    test('answers a missing, forged, tampered or expired token with 401 and its code on push and pull, revealing nothing of B', async () => {
      for (const t of badTokens()) {
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (t.header !== undefined) headers.authorization = t.header;
        const body = JSON.stringify({ protocol: 1, clientId: b.clientId, writes: [put(99, 'x', { text: 'forged' })] });
        for (const res of [
          await app.request('/v1/push', { method: 'POST', headers, body }),
          await app.request('/v1/pull?cursor=0', { headers }),
        ]) {
          const text = await res.text();
          expect({ name: t.name, status: res.status, code: JSON.parse(text).error?.code }).toEqual({
            name: t.name,
            status: 401,
            code: t.code,
          });
          revealsNothingOfB(text);
        }
      }
      expect(await b.pullAll()).toEqual(bFeed);
    });
  });
}

await forEachStore(runIsolation);
