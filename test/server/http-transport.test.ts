import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import type { LogLine } from '../../server/server-options.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';

/** Log lines, with a way to await the request line of the next request to `path`. */
function logRecorder() {
  const lines: LogLine[] = [];
  const waiters: { path: string; resolve: (line: LogLine) => void }[] = [];
  return {
    lines,
    log: (line: LogLine) => {
      lines.push(line);
      const i = waiters.findIndex((w) => line.path === w.path && typeof line.status === 'number');
      if (i >= 0) waiters.splice(i, 1)[0]!.resolve(line);
    },
    nextRequestLine: (path: string) => new Promise<LogLine>((resolve) => waiters.push({ path, resolve })),
  };
}

/** Sends raw bytes on a fresh connection and resolves when they are written. */
function rawSocket(port: number) {
  const socket = connect(port, '127.0.0.1');
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.on('error', () => undefined);
  return {
    write: async (data: string | Uint8Array) => {
      await connected;
      await new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));
    },
    destroy: () => socket.destroy(),
  };
}

describe('startServer transport edges', () => {
  let server: RunningServer;
  const recorder = logRecorder();
  let reached: Promise<void> = Promise.resolve();
  let markReached = () => undefined as void;
  beforeAll(async () => {
    const verify = async () => {
      markReached();
      return 'transport-user';
    };
    server = await startServer({ dataDir: 'memory', log: recorder.log, verify });
  });
  afterAll(async () => server.close());

  test('logs a client that hangs up mid-body as client-aborted at level info, never as a 500 error', async () => {
    const token = issueToken(server.secret, 'aborting-user', 60_000);
    reached = new Promise((resolve) => {
      markReached = resolve;
    });
    const logged = recorder.nextRequestLine('/v1/push');
    const s = rawSocket(server.port);
    const head = `POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`;
    await s.write(`${head}{"protocol":1,"clientId":`);
    // Hang up once the request is being handled (auth runs just before the body is read).
    await reached;
    s.destroy();
    const line = await logged;
    expect(line).toMatchObject({ status: 499, code: 'client-aborted' });
    expect(recorder.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(recorder.lines).toContainEqual(expect.objectContaining({ level: 'info', event: 'client-aborted' }));
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });

  test('refuses a body that is not valid UTF-8 as malformed-json and stores nothing', async () => {
    const token = issueToken(server.secret, 'utf8-user', 60_000);
    const write = { seq: 1, id: 'a'.repeat(32), collection: 'notes', key: 'k', op: 'put', baseVersion: null, writtenAt: 1 };
    const json = JSON.stringify({ protocol: 1, clientId: 'b'.repeat(32), writes: [{ ...write, value: 'XX' }] });
    const bytes = Buffer.from(json, 'utf8');
    const at = bytes.indexOf('XX');
    bytes[at] = 0xff;
    bytes[at + 1] = 0xfe;
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${server.url}/v1/push`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: bytes,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('malformed-json');
    const pull = (await (await fetch(`${server.url}/v1/pull`, { headers: auth })).json()) as { changes: unknown[] };
    expect(pull.changes).toEqual([]);
  });
});
