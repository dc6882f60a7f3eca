import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadOrCreateSecret, SECRET_FILE } from '../../server/auth/token-secret.ts';
import type { LogLine } from '../../server/server-options.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import type { SessionResponse } from '../../src/protocol/pull-messages.ts';
import type { ErrorResponse } from '../../src/protocol/push-messages.ts';
import { put, testClient } from './support/sync-client.ts';

const dirs: string[] = [];
const servers: RunningServer[] = [];
const tempDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'outbox-server-'));
  dirs.push(dir);
  return dir;
};
const start = async (options: Parameters<typeof startServer>[0]) => {
  const server = await startServer({ log: () => undefined, ...options });
  servers.push(server);
  return server;
};
const session = async (server: RunningServer) =>
  (await (await fetch(`${server.url}/v1/session`, { method: 'POST' })).json()) as SessionResponse;
const client = (server: RunningServer, token: string, clientId?: string) =>
  testClient((path, init) => fetch(`${server.url}${path}`, init), token, clientId);

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('startServer', () => {
  test('keeps every document, processed write and session across a restart on the same port and directory', async () => {
    const dataDir = await tempDir();
    const first = await start({ dataDir });
    const { token, userId } = await session(first);
    expect(userId).toMatch(/^[0-9a-f]{32}$/);
    const c = client(first, token);
    const batch = [put(1, 'a', { n: 1 }), put(2, 'b', 'x')];
    const original = await c.pushOk(batch);
    await first.close();
    const second = await start({ dataDir, port: first.port });
    expect(second.port).toBe(first.port);
    const again = client(second, token, c.clientId);
    expect(await again.pullAll()).toMatchObject([
      { key: 'a', value: { n: 1 } },
      { key: 'b', value: 'x' },
    ]);
    const resent = await again.pushOk(batch);
    expect(resent.results.map((r) => r.status === 'duplicate' && r.original)).toEqual(original.results);
    expect((await stat(join(dataDir, SECRET_FILE))).mode & 0o777).toBe(0o600);
  });

  test('answers health with the store kind', async () => {
    const server = await start({ dataDir: 'memory' });
    expect(await (await fetch(`${server.url}/v1/health`)).json()).toEqual({ ok: true, store: 'pglite' });
  });

  test('lets an in-flight push finish during close, then refuses connections', async () => {
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => {
      arrived = r;
    });
    const server = await start({
      dataDir: 'memory',
      verify: async () => {
        arrived();
        return 'user-1';
      },
    });
    const body = JSON.stringify({ protocol: 1, clientId: 'c'.repeat(32), writes: [put(1, 'k', 'v')] });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(body.slice(0, 10)));
        await gate;
        controller.enqueue(new TextEncoder().encode(body.slice(10)));
        controller.close();
      },
    });
    const response = fetch(`${server.url}/v1/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await arrival;
    const closed = server.close();
    release();
    const res = await response;
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ results: [{ status: 'applied', version: 1 }] });
    await closed;
    await expect(fetch(`${server.url}/v1/health`)).rejects.toThrow();
  });

  test('logs one structured line per request with the user id and never the token', async () => {
    const lines: LogLine[] = [];
    const server = await start({ dataDir: 'memory', log: (l) => lines.push(l) });
    const { token, userId } = await session(server);
    await client(server, token).pushOk([put(1, 'k', 'v')]);
    await fetch(`${server.url}/v1/pull?limit=0`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.text());
    expect(lines.map((l) => [l.method, l.path, l.status, l.userId, l.code])).toEqual([
      ['POST', '/v1/session', 200, userId, undefined],
      ['POST', '/v1/push', 200, userId, undefined],
      ['GET', '/v1/pull', 400, userId, 'invalid-request'],
    ]);
    expect(lines.every((l) => typeof l.ms === 'number')).toBe(true);
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[3]);
  });

  test('answers 429 rate-limited with Retry-After once the user has spent the burst', async () => {
    let now = 1_000_000;
    const server = await start({ dataDir: 'memory', rateLimit: { burst: 2, perSecond: 0.5 }, now: () => now });
    const { token } = await session(server);
    const pull = () => fetch(`${server.url}/v1/pull`, { headers: { authorization: `Bearer ${token}` } });
    expect([(await pull()).status, (await pull()).status]).toEqual([200, 200]);
    const limited = await pull();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as ErrorResponse).error.code).toBe('rate-limited');
    const other = await session(server);
    expect((await fetch(`${server.url}/v1/pull`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(200);
    now += 2000;
    expect((await pull()).status).toBe(200);
  });

  test('sends CORS headers for the configured origin only', async () => {
    const server = await start({ dataDir: 'memory', corsOrigin: 'https://app.example' });
    const preflight = await fetch(`${server.url}/v1/push`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const limited = await fetch(`${server.url}/v1/pull`, { headers: { origin: 'https://app.example' } });
    expect(limited.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(limited.headers.get('access-control-expose-headers')).toContain('Retry-After');
    const foreign = await fetch(`${server.url}/v1/health`, { headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).not.toBe('https://evil.example');
  });

  test('serves a built app with SPA fallback for navigations, never outside its directory or under /v1', async () => {
    const root = await tempDir();
    const staticDir = join(root, 'app');
    await mkdir(staticDir);
    await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(staticDir, 'app.js'), 'console.log(1)');
    await writeFile(join(root, 'secret.txt'), 'nope');
    const server = await start({ dataDir: 'memory', staticDir });
    const html = { accept: 'text/html' };
    const js = await fetch(`${server.url}/app.js`);
    expect([js.status, js.headers.get('content-type'), await js.text()]).toEqual([
      200,
      'text/javascript; charset=utf-8',
      'console.log(1)',
    ]);
    const deep = await fetch(`${server.url}/notes/42`, { headers: html });
    expect([deep.status, await deep.text()]).toEqual([200, '<!doctype html><title>app</title>']);
    expect((await fetch(`${server.url}/missing.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/%2e%2e/secret.txt`)).status).toBe(404);
    const api = await fetch(`${server.url}/v1/nothing`, { headers: html });
    expect([api.status, ((await api.json()) as ErrorResponse).error.code]).toEqual([404, 'route-not-found']);
  });

  test('creates one secret when two servers start on a new directory at once, readable by the owner only', async () => {
    const dataDir = join(await tempDir(), 'fresh');
    const [a, b] = await Promise.all([loadOrCreateSecret(dataDir), loadOrCreateSecret(dataDir)]);
    expect(a).toHaveLength(32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect((await stat(join(dataDir, SECRET_FILE))).mode & 0o777).toBe(0o600);
    expect(Buffer.from(await loadOrCreateSecret(dataDir)).equals(Buffer.from(a))).toBe(true);
  });
});
