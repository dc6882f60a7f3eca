import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does to `POST /v1/push` requests:
 * - `fail-before`: 503 with `Retry-After: 0`, not forwarded;
 * - `drop-after`: forwarded, the server commits, the answer is lost (connection destroyed);
 * - `reset-before`: the connection is destroyed before anything is forwarded;
 * - `too-many-requests`: 429 with `Retry-After: 1`, not forwarded;
 * - `delay-past-timeout`: forwarded, the server commits, the answer is held {@link ChaosProxy.delayMs} and then sent (the client gave up by then).
 */
export type PushFault = 'none' | 'fail-before' | 'drop-after' | 'reset-before' | 'too-many-requests' | 'delay-past-timeout';

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
  /** Writes the server answered `applied` (its first and only application), in the order it answered. */
  readonly applied: { clientId: string; id: string; key: string; value?: unknown }[] = [];
  /** Every write forwarded in a push, by id (answered or not). */
  readonly sent = new Map<string, { clientId: string; collection: string; key: string }>();
  /** Writes the server answered `duplicate` (a resend it recognised). */
  duplicates = 0;
  #stall = false;
  readonly #armed: PushFault[] = [];
  /** How long `delay-past-timeout` holds an answer (ms). */
  delayMs = 2_000;
  readonly #stalled: (() => Promise<void>)[] = [];

  constructor(target: string) {
    this.#target = new URL(target);
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Forgets what was recorded and ends the chaos (between tests sharing one server). */
  reset(): void {
    this.maxConcurrentPushes = this.#inFlightPushes;
    this.pushes.length = 0;
    this.applied.length = 0;
    this.sent.clear();
    this.duplicates = 0;
    this.#failRate = 0;
    this.#stall = false;
    this.#armed.length = 0;
  }

  /** The next pushes get these faults, in order (before any random ones). */
  armPushFaults(faults: readonly PushFault[]): void {
    this.#armed.push(...faults);
  }

  /** Armed faults not yet used. */
  get armedCount(): number {
    return this.#armed.length;
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

  /**
   * While on, pushes are read in full and then held: not forwarded, not answered (a runner
   * "mid-push"). {@link releaseStalled} forwards the held ones to the server.
   */
  stallPushes(on: boolean): void {
    this.#stall = on;
  }

  /** Pushes held so far, body fully received. */
  get stalledCount(): number {
    return this.#stalled.length;
  }

  /** Forwards every held push to the server (answering the browser if it is still connected); resolves when the server has answered them all. */
  async releaseStalled(): Promise<void> {
    await Promise.all(this.#stalled.splice(0).map((forward) => forward()));
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const isPush = req.method === 'POST' && req.url?.startsWith('/v1/push') === true;
    if (!isPush) {
      this.#forward(req, res, req);
      return;
    }
    let fault: PushFault = 'none';
    const armed = this.#stall ? undefined : this.#armed.shift();
    if (armed !== undefined) fault = armed;
    else if (!this.#stall) {
      const r = this.#random();
      if (r < this.#failRate / 2) fault = 'fail-before';
      else if (r < this.#failRate) fault = 'drop-after';
    }
    this.pushes.push(fault);
    this.#inFlightPushes += 1;
    this.maxConcurrentPushes = Math.max(this.maxConcurrentPushes, this.#inFlightPushes);
    let counted = true;
    const done = (): void => {
      if (counted) this.#inFlightPushes -= 1;
      counted = false;
    };
    if (fault === 'fail-before' || fault === 'too-many-requests') {
      res.on('close', done);
      req.resume();
      const limited = fault === 'too-many-requests';
      res.writeHead(limited ? 429 : 503, { 'content-type': 'application/json', 'retry-after': limited ? '1' : '0' });
      const code = limited ? 'rate-limited' : 'service-unavailable';
      res.end(JSON.stringify({ error: { code, message: 'chaos' } }));
      return;
    }
    if (fault === 'reset-before') {
      done();
      req.socket.destroy();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      this.#recordSent(body);
      const send = (): Promise<void> =>
        new Promise<void>((resolve) => {
          this.#forward(req, res, body, fault, (answer) => {
            this.#record(body, answer);
            done();
            resolve();
          });
        });
      if (this.#stall) this.#stalled.push(send);
      else void send();
    });
  }

  #recordSent(requestBody: Buffer): void {
    try {
      const req = JSON.parse(requestBody.toString('utf8')) as {
        clientId: string;
        writes: { id: string; collection: string; key: string }[];
      };
      for (const w of req.writes) this.sent.set(w.id, { clientId: req.clientId, collection: w.collection, key: w.key });
    } catch {
      // Not a well-formed push; the server refuses it and applies nothing.
    }
  }

  /** Keeps the server's first-time applications, in the order it answered them. */
  #record(requestBody: Buffer, answer: Buffer | undefined): void {
    if (answer === undefined) return;
    try {
      const req = JSON.parse(requestBody.toString('utf8')) as {
        clientId: string;
        writes: { id: string; key: string; value?: unknown }[];
      };
      const res = JSON.parse(answer.toString('utf8')) as { results?: { id: string; status: string }[] };
      const byId = new Map(req.writes.map((w) => [w.id, w]));
      for (const result of res.results ?? []) {
        const write = byId.get(result.id);
        if (write === undefined) continue;
        if (result.status === 'applied') this.applied.push({ clientId: req.clientId, ...write });
        else if (result.status === 'duplicate') this.duplicates += 1;
      }
    } catch {
      // Not a push answer with results (an error status); nothing was applied.
    }
  }

  #forward(
    req: IncomingMessage,
    res: ServerResponse,
    body: NodeJS.ReadableStream | Buffer,
    fault: PushFault = 'none',
    answered?: (answer: Buffer | undefined) => void,
  ): void {
    const upstream = request(
      { host: this.#target.hostname, port: this.#target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        const chunks: Buffer[] = [];
        up.on('data', (chunk: Buffer) => chunks.push(chunk));
        up.on('end', () => answered?.(Buffer.concat(chunks)));
        if (fault === 'delay-past-timeout' && !res.destroyed) {
          up.on('end', () => {
            const answer = Buffer.concat(chunks);
            setTimeout(() => {
              if (res.destroyed) return;
              res.writeHead(up.statusCode ?? 502, up.headers);
              res.end(answer);
            }, this.delayMs);
          });
          return;
        }
        if (fault === 'drop-after' || res.destroyed) {
          // The server applied the batch; the client never hears of it.
          up.on('end', () => res.destroy());
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.destroy();
      answered?.(undefined);
    });
    if (Buffer.isBuffer(body)) upstream.end(body);
    else body.pipe(upstream);
  }
}
