import { describe, expect, test } from 'vitest';
import { createFetchTransport } from '../../../src/core/sync/fetch-transport.ts';
import type { PushRequest } from '../../../src/protocol/push-messages.ts';

const clientId = 'c'.repeat(32) as PushRequest['clientId'];
const request: PushRequest = {
  protocol: 1,
  clientId,
  writes: [
    {
      seq: 1,
      id: 'a'.repeat(32) as PushRequest['writes'][number]['id'],
      collection: 'notes',
      key: 'k',
      op: 'put',
      value: 1,
      baseVersion: null,
      writtenAt: 0,
    },
  ],
};

interface Seen {
  url: string;
  init: RequestInit | undefined;
  bodyRead: boolean;
}

/** A fetch that answers from a list and records whether each response body was consumed. */
function fakeFetch(answers: Array<() => Response | Promise<Response>>) {
  const seen: Seen[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const entry: Seen = { url: String(input), init, bodyRead: false };
    seen.push(entry);
    const answer = answers.shift();
    if (answer === undefined) throw new Error('no more answers');
    const res = await answer();
    const text = res.text.bind(res);
    res.text = async () => {
      entry.bodyRead = true;
      return text();
    };
    return res;
  }) as typeof fetch;
  return { fn, seen };
}

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('createFetchTransport', () => {
  test('POSTs the push request as JSON with the auth headers and returns the validated response', async () => {
    const body = { protocol: 1, results: [{ id: 'a'.repeat(32), seq: 1, status: 'applied', version: 3 }] };
    const f = fakeFetch([json(200, body)]);
    const transport = createFetchTransport({
      baseUrl: 'http://sync.test/',
      fetch: f.fn,
      headers: async () => ({ authorization: 'Bearer t' }),
    });
    expect(await transport.push(request)).toEqual({ kind: 'ok', body });
    expect(f.seen[0]?.url).toBe('http://sync.test/v1/push');
    expect(f.seen[0]?.init?.method).toBe('POST');
    expect(f.seen[0]?.init?.headers).toEqual({ authorization: 'Bearer t', 'content-type': 'application/json' });
    expect(JSON.parse(String(f.seen[0]?.init?.body))).toEqual(request);
    expect(f.seen[0]?.init?.signal).toBeInstanceOf(AbortSignal);
  });

  test('GETs pull pages with cursor and limit in the query', async () => {
    const body = { protocol: 1, changes: [], cursor: '9', hasMore: false };
    const f = fakeFetch([json(200, body), json(200, body)]);
    const transport = createFetchTransport({ baseUrl: 'http://sync.test', fetch: f.fn });
    await transport.pull(undefined, 50);
    await transport.pull('abc', 10);
    expect(f.seen.map((s) => s.url)).toEqual([
      'http://sync.test/v1/pull?limit=50',
      'http://sync.test/v1/pull?limit=10&cursor=abc',
    ]);
  });

  test('reads the body of every answer, error answers included', async () => {
    const f = fakeFetch([
      json(503, { error: { code: 'service-unavailable', message: 'x' } }, { 'retry-after': '3' }),
      json(401, { error: { code: 'token-expired', message: 'x' } }),
      () => new Response('<html>bad gateway</html>', { status: 502 }),
      json(200, { nonsense: true }),
    ]);
    const transport = createFetchTransport({ baseUrl: 'http://sync.test', fetch: f.fn });
    const outcomes = [
      await transport.push(request),
      await transport.push(request),
      await transport.push(request),
      await transport.push(request),
    ];
    expect(outcomes.map((o) => o.kind)).toEqual(['transient', 'auth', 'transient', 'transient']);
    expect(outcomes.map((o) => (o.kind === 'ok' ? 'ok' : o.error.code))).toEqual([
      'service-unavailable',
      'token-expired',
      'server-error',
      'protocol-error',
    ]);
    expect(outcomes[0]?.kind === 'transient' && outcomes[0].retryAfterMs).toBe(3_000);
    expect(f.seen.map((s) => s.bodyRead)).toEqual([true, true, true, true]);
  });

  test('turns a rejected fetch into a transient network-error', async () => {
    const f = fakeFetch([
      () => {
        throw new TypeError('fetch failed');
      },
    ]);
    const outcome = await createFetchTransport({ baseUrl: 'http://sync.test', fetch: f.fn }).push(request);
    expect(outcome).toMatchObject({ kind: 'transient', network: true, error: { code: 'network-error' } });
  });

  test('turns an abort by the timeout signal into a transient request-timeout', async () => {
    const controller = new AbortController();
    const fetchThatWaits = ((_url: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        if (init?.signal?.aborted) reject(init.signal.reason);
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    const transport = createFetchTransport({
      baseUrl: 'http://sync.test',
      fetch: fetchThatWaits,
      timeoutMs: 1234,
      timeoutSignal: () => controller.signal,
    });
    const pending = transport.push(request);
    controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    expect(await pending).toMatchObject({ kind: 'transient', network: false, error: { code: 'request-timeout' } });
  });
});
