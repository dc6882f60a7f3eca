import { randomId } from '../../../src/protocol/ids.ts';
import type { WriteId } from '../../../src/protocol/ids.ts';
import type { PullResponse } from '../../../src/protocol/pull-messages.ts';
import type { PushResponse, WireWrite } from '../../../src/protocol/push-messages.ts';

/** Anything that answers a Request: `app.request` in-process, or fetch against a URL. */
export type Send = (path: string, init?: RequestInit) => Promise<Response>;

/** A minimal protocol client for tests: one user (token) and one client id. */
export interface TestClient {
  readonly clientId: string;
  readonly token: string;
  push(writes: WireWrite[], extra?: Record<string, unknown>): Promise<Response>;
  pushOk(writes: WireWrite[]): Promise<PushResponse>;
  pull(query?: string): Promise<Response>;
  /** Every change of the user, paging until `hasMore` is false (bounded). */
  pullAll(): Promise<PullResponse['changes']>;
}

export function testClient(send: Send, token: string, clientId: string = randomId()): TestClient {
  const auth = { authorization: `Bearer ${token}` };
  const push = (writes: WireWrite[], extra: Record<string, unknown> = {}) =>
    send('/v1/push', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ protocol: 1, clientId, writes, ...extra }),
    });
  const pull = (query = '') => send(`/v1/pull${query}`, { headers: auth });
  return {
    clientId,
    token,
    push,
    pull,
    async pushOk(writes) {
      const res = await push(writes);
      if (res.status !== 200) throw new Error(`push answered ${res.status}: ${await res.text()}`);
      return (await res.json()) as PushResponse;
    },
    async pullAll() {
      const all: PullResponse['changes'] = [];
      let cursor = '0';
      for (let page = 0; page < 1000; page++) {
        const res = await pull(`?cursor=${cursor}&limit=1000`);
        if (res.status !== 200) throw new Error(`pull answered ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as PullResponse;
        all.push(...body.changes);
        cursor = body.cursor;
        if (!body.hasMore) return all;
      }
      throw new Error('pullAll: more than 1000 pages');
    },
  };
}

/** A put write with sensible defaults. */
export function put(
  seq: number,
  key: string,
  value: WireWrite['value'],
  baseVersion: number | null = null,
  collection = 'notes',
): WireWrite {
  return { seq, id: randomId() as WriteId, collection, key, op: 'put', value, baseVersion, writtenAt: 1_700_000_000_000 + seq };
}

/** A delete write. */
export function del(seq: number, key: string, baseVersion: number | null, collection = 'notes'): WireWrite {
  return { seq, id: randomId() as WriteId, collection, key, op: 'delete', baseVersion, writtenAt: 1_700_000_000_000 + seq };
}
