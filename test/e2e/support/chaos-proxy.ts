import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to `POST /v1/push` requests. */
export type PushFault = 'none' | 'fail-before' | 'drop-after';

/**
 * A reverse proxy in front of the sync server: the origin the browser sees. It can go down
 * (listening socket closed, keep-alive sockets destroyed → connection refused) and come back
 * on the same port, and it can fail pushes at random — before forwarding (503) or after the
 * server applied them (response dropped), which is exactly what exactly-once must survive.
 */
export class ChaosProxy {
  readonly #target: URL;
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #port = 0;
  #random: () => number = () => 1;
  #failRate = 0;
  #inFlightPushes = 0;
  /** Highest number of pushes in flight at once (one runner at a time ⇒ 1). */
  maxConcurrentPushes = 0;
  /** Every push request that reached the proxy, with what was done to it. */
  readonly pushes: PushFault[] = [];

  constructor(target: string) {
    this.#target = new URL(target);
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (again) — on the same port after the first time. */
  async up(): Promise<void> {
    if (this.#server !== undefined) return;
    const server = createServer((req, res) => this.#handle(req, res));
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#port, '127.0.0.1', () => resolve());
    });
    this.#port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stops listening and cuts every open connection: the browser gets "connection refused". */
  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    if (server === undefined) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    await closed;
  }

  /** Fails this share of pushes (half before forwarding, half after), with a seeded random source. */
  failPushes(rate: number, seed = 1): void {
    this.#failRate = rate;
    let s = seed >>> 0;
    this.#random = () => {
      // mulberry32: reproducible chaos.
      s = (s + 0x6d2b79f5) >>> 0;
      let t = s;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  #handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse): void {
    const isPush = req.method === 'POST' && req.url?.startsWith('/v1/push') === true;
    let fault: PushFault = 'none';
    if (isPush) {
      const r = this.#random();
      if (r < this.#failRate / 2) fault = 'fail-before';
      else if (r < this.#failRate) fault = 'drop-after';
      this.pushes.push(fault);
      this.#inFlightPushes += 1;
      this.maxConcurrentPushes = Math.max(this.maxConcurrentPushes, this.#inFlightPushes);
      res.on('close', () => {
        this.#inFlightPushes -= 1;
      });
    }
    if (fault === 'fail-before') {
      req.resume();
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '0' });
      res.end(JSON.stringify({ error: { code: 'service-unavailable', message: 'chaos' } }));
      return;
    }
    const upstream = request(
      { host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        if (fault === 'drop-after') {
          // The server applied the batch; the client never hears of it.
          up.resume();
          up.on('end', () => res.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }
}
