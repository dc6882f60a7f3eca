import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createApp } from '../../server/create-app.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { openSyncStore } from '../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../server/store/sync-store.ts';

const secret = randomBytes(32);
/** What `@hono/node-server` hands the app: the Node request, whose socket knows the peer. */
const from = (remoteAddress: string) => ({ incoming: { socket: { remoteAddress } } });

describe('POST /v1/session limit', () => {
  let store: SyncStore;
  beforeAll(async () => {
    store = await openSyncStore({ dataDir: 'memory' });
  });
  afterAll(async () => store.close());

  const appAt = (clock: { t: number }, options: Parameters<typeof createApp>[0] extends infer O ? Partial<O> : never = {}) =>
    createApp({ store, secret, log: () => undefined, now: () => clock.t, ...options });
  const mint = (app: ReturnType<typeof createApp>, env: object, headers: Record<string, string> = {}) =>
    app.request('/v1/session', { method: 'POST', headers }, env);

  test('mints the default burst of 10 per address, then answers 429 session-rate-limited with Retry-After', async () => {
    const app = appAt({ t: 1_000_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await mint(app, from('203.0.113.7'))).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const refused = await mint(app, from('203.0.113.7'));
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('session-rate-limited');
  });

  test('refills one session per 1/perSecond seconds', async () => {
    const clock = { t: 0 };
    const app = appAt(clock, { sessionRateLimit: { burst: 2, perSecond: 0.5 } });
    const a = from('198.51.100.1');
    expect([(await mint(app, a)).status, (await mint(app, a)).status, (await mint(app, a)).status]).toEqual([200, 200, 429]);
    clock.t += 1999;
    expect((await mint(app, a)).status).toBe(429);
    clock.t += 1;
    expect((await mint(app, a)).status).toBe(200);
  });

  test('keeps a separate budget per address', async () => {
    const app = appAt({ t: 0 }, { sessionRateLimit: { burst: 1, perSecond: 0.01 } });
    expect((await mint(app, from('192.0.2.1'))).status).toBe(200);
    expect((await mint(app, from('192.0.2.1'))).status).toBe(429);
    expect((await mint(app, from('192.0.2.2'))).status).toBe(200);
  });

  test('counts an IPv6 client by its /64 prefix, and an IPv4-mapped address as the IPv4 one', async () => {
    const app = appAt({ t: 0 }, { sessionRateLimit: { burst: 1, perSecond: 0.01 } });
    expect((await mint(app, from('2001:db8:1:2::1'))).status).toBe(200);
    expect((await mint(app, from('2001:0db8:0001:0002:ffff:ffff:ffff:ffff'))).status).toBe(429);
    expect((await mint(app, from('2001:db8:1:3::1'))).status).toBe(200);
    expect((await mint(app, from('203.0.113.50'))).status).toBe(200);
    expect((await mint(app, from('::ffff:203.0.113.50'))).status).toBe(429);
  });

  test('ignores X-Forwarded-For by default, so a client cannot pick its own budget', async () => {
    const app = appAt({ t: 0 }, { sessionRateLimit: { burst: 1, perSecond: 0.01 } });
    expect((await mint(app, from('192.0.2.9'), { 'x-forwarded-for': '10.0.0.1' })).status).toBe(200);
    expect((await mint(app, from('192.0.2.9'), { 'x-forwarded-for': '10.0.0.2' })).status).toBe(429);
  });

  test('behind trusted proxies takes the X-Forwarded-For entry that many places from the right', async () => {
    const app = appAt({ t: 0 }, { sessionRateLimit: { burst: 1, perSecond: 0.01 }, trustedProxies: 1 });
    const proxy = from('10.0.0.254');
    expect((await mint(app, proxy, { 'x-forwarded-for': 'forged, 192.0.2.20' })).status).toBe(200);
    // The client forges a different leftmost entry; the proxy's own entry still names it.
    expect((await mint(app, proxy, { 'x-forwarded-for': 'other, 192.0.2.20' })).status).toBe(429);
    expect((await mint(app, proxy, { 'x-forwarded-for': '192.0.2.21' })).status).toBe(200);
    // No header (a request that bypassed the proxy): the TCP peer.
    expect((await mint(app, proxy)).status).toBe(200);
    expect((await mint(app, proxy)).status).toBe(429);
  });

  test('mints without limit when sessionRateLimit is false', async () => {
    const app = appAt({ t: 0 }, { sessionRateLimit: false });
    for (let i = 0; i < 30; i++) expect((await mint(app, from('192.0.2.30'))).status).toBe(200);
  });
});

describe('POST /v1/session limit over HTTP', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ dataDir: 'memory', log: () => undefined, sessionRateLimit: { burst: 3, perSecond: 0.001 } });
  });
  afterAll(async () => server.close());

  test('counts sessions by the socket peer address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${server.url}/v1/session`, { method: 'POST' })).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });
});
