import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
};

/** A report a page sent by `POST /bench/report` (unattached control runs). */
export interface PageReport {
  readonly runId: string;
  readonly row: string;
  readonly outcome?: { ops: number; ms: number; extra?: Record<string, number> } | undefined;
  readonly error?: string | undefined;
}

/** The loopback server every bench page talks to. */
export interface BenchServer {
  readonly origin: string;
  /** Resolves with the report of `runId`, or rejects after `timeoutMs`. */
  waitForReport(runId: string, timeoutMs: number): Promise<PageReport>;
  close(): Promise<void>;
}

/** Under this prefix `POST /v1/push` is never answered; everything else is answered as without it. */
const HOLD_PREFIX = '/hold';

/** Answers `POST /v1/push` like a sync server that keeps nothing: every write 'applied' at version 1. */
function answerPush(body: string, received: Map<string, number>): string {
  const request = JSON.parse(body) as { clientId: string; writes: { id: string; seq: number }[] };
  received.set(request.clientId, (received.get(request.clientId) ?? 0) + request.writes.length);
  const results = request.writes.map((w) => ({ id: w.id, seq: w.seq, status: 'applied', version: 1 }));
  return JSON.stringify({ protocol: 1, results });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Starts the bench server on 127.0.0.1 (port 0): static files from `root` (cross-origin isolated, so
 * `performance.now()` has 5 µs resolution), the in-memory push endpoint, a received-count probe, and
 * the report endpoint for unattached runs.
 */
export async function startBenchServer(root: string): Promise<BenchServer> {
  const received = new Map<string, number>();
  const reports = new Map<string, PageReport>();
  const waiters = new Map<string, (r: PageReport) => void>();

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer) => {
    res.writeHead(status, {
      'content-type': type,
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cross-origin-resource-policy': 'same-origin',
      'cache-control': 'no-store',
    });
    res.end(body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // A server that takes a push and never answers (the takeover row's runner dies waiting on it).
    if (req.method === 'POST' && url.pathname === `${HOLD_PREFIX}/v1/push`) return;
    if (url.pathname.startsWith(`${HOLD_PREFIX}/`)) url.pathname = url.pathname.slice(HOLD_PREFIX.length);
    if (req.method === 'POST' && url.pathname === '/v1/push') {
      return send(res, 200, 'application/json', answerPush(await readBody(req), received));
    }
    if (req.method === 'GET' && url.pathname === '/v1/pull') {
      return send(res, 200, 'application/json', JSON.stringify({ protocol: 1, changes: [], cursor: '0', hasMore: false }));
    }
    if (req.method === 'GET' && url.pathname === '/bench/received') {
      const client = url.searchParams.get('client') ?? '';
      const count = client === '*' ? [...received.values()].reduce((a, b) => a + b, 0) : (received.get(client) ?? 0);
      return send(res, 200, 'application/json', JSON.stringify({ received: count }));
    }
    if (req.method === 'POST' && url.pathname === '/bench/report') {
      const report = JSON.parse(await readBody(req)) as PageReport;
      reports.set(report.runId, report);
      waiters.get(report.runId)?.(report);
      return send(res, 200, 'application/json', '{}');
    }
    const path = normalize(join(root, url.pathname === '/' ? 'index.html' : url.pathname));
    if (!path.startsWith(root)) return send(res, 403, 'text/plain', 'forbidden');
    try {
      return send(res, 200, TYPES[extname(path)] ?? 'application/octet-stream', await readFile(path));
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => send(res, 500, 'text/plain', String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    waitForReport: (runId, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = reports.get(runId);
        if (done) return resolve(done);
        const timer = setTimeout(() => reject(new Error(`no report for run ${runId} within ${timeoutMs} ms`)), timeoutMs);
        waiters.set(runId, (r) => {
          clearTimeout(timer);
          waiters.delete(runId);
          resolve(r);
        });
      }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
