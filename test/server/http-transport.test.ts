import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { issueToken } from '../../server/auth/hmac-token.ts';
import type { LogLine } from '../../server/server-options.ts';
import { type RunningServer, startServer } from '../../server/start-server.ts';
import { checkProperty } from '../support/property.ts';

/** Log lines, with a way to await the first line that matches. */
function logRecorder() {
  const lines: LogLine[] = [];
  const waiters: { match: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  return {
    lines,
    log: (line: LogLine) => {
      lines.push(line);
      for (const w of waiters.filter((w) => w.match(line))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    },
    waitFor: (match: (line: LogLine) => boolean) =>
      new Promise<LogLine>((resolve) => {
        const found = lines.find(match);
        if (found !== undefined) resolve(found);
        else waiters.push({ match, resolve });
      }),
  };
}

/** A raw connection: write bytes, hang up, or half-close and collect what the server answers. */
function rawSocket(port: number) {
  const socket = connect(port, '127.0.0.1');
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const chunks: Buffer[] = [];
  socket.on('data', (d: Buffer) => chunks.push(d));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    write: async (data: string | Uint8Array) => {
      await connected;
      await new Promise<void>((resolve, reject) => socket.write(data, (e) => (e ? reject(e) : resolve())));
    },
    destroy: () => socket.destroy(),
    /** Resolves with the status codes of the first `count` answers, then hangs up. */
    readAnswers: async (count: number): Promise<number[]> => {
      const statuses = () =>
        [
          ...Buffer.concat(chunks)
            .toString('latin1')
            .matchAll(/HTTP\/1\.1 (\d{3})/g),
        ].map((m) => Number(m[1]));
      while (statuses().length < count) await new Promise((resolve) => socket.once('data', resolve));
      socket.destroy();
      return statuses();
    },
    /** Half-closes, then resolves with the status codes of every answer once the server closes. */
    endAndRead: async (): Promise<number[]> => {
      socket.end();
      await closed;
      return [
        ...Buffer.concat(chunks)
          .toString('latin1')
          .matchAll(/HTTP\/1\.1 (\d{3})/g),
      ].map((m) => Number(m[1]));
    },
  };
}

const pushHead = (token: string, extra: string) =>
  `POST /v1/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\n${extra}\r\n`;
const BODY = JSON.stringify({
  protocol: 1,
  clientId: 'c'.repeat(32),
  writes: [
    { seq: 1, id: 'd'.repeat(32), collection: 'notes', key: 'k', op: 'put', value: { n: 1 }, baseVersion: null, writtenAt: 1 },
  ],
});

describe('startServer transport edges', () => {
  let server: RunningServer;
  const recorder = logRecorder();
  let users = 0;
  const nextUser = () => {
    const userId = `transport-${++users}`;
    return { userId, token: issueToken(server.secret, userId, 600_000) };
  };
  const requestLineOf = (userId: string) => recorder.waitFor((l) => l.userId === userId && typeof l.status === 'number');
  beforeAll(async () => {
    server = await startServer({ dataDir: 'memory', log: recorder.log, rateLimit: false });
  });
  afterAll(async () => server.close());

  test('logs a client that hangs up mid-body as client-aborted at level info, never as a 500 error', async () => {
    const { userId, token } = nextUser();
    const s = rawSocket(server.port);
    await s.write(`${pushHead(token, 'Content-Length: 1000\r\n')}{"protocol":1,"clientId":`);
    // The request line is logged only once the handler gave up on the body; hang up now.
    s.destroy();
    const line = await requestLineOf(userId);
    expect(line).toMatchObject({ status: 499, code: 'client-aborted' });
    expect(recorder.lines.filter((l) => l.level === 'error')).toEqual([]);
    expect(recorder.lines).toContainEqual(expect.objectContaining({ level: 'info', event: 'client-aborted' }));
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
  });

  test('refuses a body that is not valid UTF-8 as malformed-json and stores nothing', async () => {
    const { token } = nextUser();
    const bytes = Buffer.from(BODY.replace('{"n":1}', '"XX"'), 'utf8');
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

  test('answers truncated, aborted, malformed and pipelined requests without a 5xx, and stays up', async () => {
    const kinds = fc.oneof(
      fc.record({ kind: fc.constant('truncated' as const), cut: fc.nat(BODY.length - 1), hangUp: fc.boolean() }),
      fc.record({
        kind: fc.constant('bad-chunk' as const),
        chunk: fc.constantFrom('zz\r\n', '5\r\nab', 'ffffffffffff\r\n', '-1\r\n'),
      }),
      fc.record({
        kind: fc.constant('malformed' as const),
        raw: fc.constantFrom(
          'GARBAGE\r\n\r\n',
          'GET /v1/health HTTP/9.9\r\n\r\n',
          'GET /v1/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n',
          `GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
          'POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
          'POST /v1/push HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
          'GET /v1/pull?limit=%zz HTTP/1.1\r\nHost: x\r\n\r\n',
        ),
      }),
      fc.record({ kind: fc.constant('pipelined' as const), count: fc.integer({ min: 2, max: 4 }) }),
    );
    let requests = 0;
    const statuses: number[] = [];
    await checkProperty(
      40,
      fc.asyncProperty(kinds, async (k) => {
        requests++;
        const s = rawSocket(server.port);
        if (k.kind === 'truncated') {
          const { userId, token } = nextUser();
          await s.write(`${pushHead(token, `Content-Length: ${Buffer.byteLength(BODY)}\r\n`)}${BODY.slice(0, k.cut)}`);
          if (k.hangUp) s.destroy();
          else statuses.push(...(await s.endAndRead()));
          statuses.push((await requestLineOf(userId)).status as number);
        } else if (k.kind === 'bad-chunk') {
          const { userId, token } = nextUser();
          await s.write(`${pushHead(token, 'Transfer-Encoding: chunked\r\n')}${k.chunk}`);
          statuses.push(...(await s.endAndRead()));
          statuses.push((await requestLineOf(userId)).status as number);
        } else if (k.kind === 'malformed') {
          await s.write(k.raw);
          statuses.push(...(await s.endAndRead()));
        } else {
          const { token } = nextUser();
          const one = `GET /v1/pull?limit=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`;
          await s.write(one.repeat(k.count));
          // Not half-closed first: Node's server drops queued pipelined requests once the client ends.
          const answers = await s.readAnswers(k.count);
          expect(answers).toEqual(Array(k.count).fill(200));
          statuses.push(...answers);
        }
        expect(statuses.filter((st) => st >= 500)).toEqual([]);
      }),
    );
    expect(recorder.lines.filter((l) => l.level === 'error' || (typeof l.status === 'number' && l.status >= 500))).toEqual([]);
    expect((await fetch(`${server.url}/v1/health`)).status).toBe(200);
    console.log(`transport fuzz: ${requests} connections, ${statuses.length} statuses seen, none 5xx`);
  });
});
