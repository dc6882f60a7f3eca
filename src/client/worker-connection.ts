import { type Remote, wrap } from 'comlink';
import type { WorkerRpc } from '../core/runtime/worker-rpc.ts';
import { OutboxError } from '../outbox-error.ts';

/** The part of `Worker` the connection uses (a MessagePort-backed fake in Node tests). */
export interface WorkerLike {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
  removeEventListener(type: 'message' | 'error', listener: (event: Event) => void): void;
  terminate(): void;
}

interface PendingCall {
  readonly method: string;
  readonly reject: (error: OutboxError) => void;
}

/** After this many worker starts without one successful answer, the next start waits for a call. */
const MAX_EAGER_RESTARTS = 3;

/**
 * One page's link to its dedicated worker: every call has a timeout; a worker that fires
 * `error`, or misses a ping after a timeout, is terminated, its pending calls reject with
 * `worker-unavailable`, and (given a factory) a new worker starts and `onStart` hooks run
 * (status re-subscription, watches, relayed signals).
 */
export class WorkerConnection {
  readonly #create: (() => WorkerLike) | undefined;
  readonly #timeoutMs: number;
  readonly #onStart: (() => void)[] = [];
  readonly #pending = new Set<PendingCall>();
  #given: WorkerLike | undefined;
  #worker: WorkerLike | undefined;
  #remote: Remote<WorkerRpc> | undefined;
  #generation = 0;
  #startsWithoutAnswer = 0;
  #closed = false;
  #ping: Promise<boolean> | undefined;

  constructor(worker: WorkerLike | (() => WorkerLike), timeoutMs: number) {
    if (typeof worker === 'function') this.#create = worker;
    else this.#given = worker;
    this.#timeoutMs = timeoutMs;
  }

  /** Runs `hook` after every (re)start of the worker, including the first. */
  onStart(hook: () => void): void {
    this.#onStart.push(hook);
  }

  /** Starts the worker now (otherwise the first call does). */
  start(): void {
    this.#ensure();
  }

  /**
   * Calls the worker. Short calls reject with `call-timeout` after the timeout; `long` calls
   * (flush, whenSynced) keep waiting as long as the worker answers pings.
   */
  call<T>(method: string, run: (remote: Remote<WorkerRpc>) => Promise<T>, long = false): Promise<T> {
    if (this.#closed) return Promise.reject(new OutboxError('closed', { what: method }));
    const remote = this.#ensure();
    if (remote === undefined) return Promise.reject(new OutboxError('worker-unavailable', { method }));
    const generation = this.#generation;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const entry: PendingCall = { method, reject: (e) => settle(() => reject(e)) };
      const settle = (fn: () => void): void => {
        if (!this.#pending.delete(entry)) return;
        clearTimeout(timer);
        fn();
      };
      const arm = (): void => {
        timer = setTimeout(() => {
          if (!long) entry.reject(new OutboxError('call-timeout', { method, ms: this.#timeoutMs }));
          void this.#probe(generation).then((alive) => {
            if (alive && long && this.#pending.has(entry)) arm();
          });
        }, this.#timeoutMs);
      };
      this.#pending.add(entry);
      arm();
      run(remote).then(
        (value) => {
          if (generation === this.#generation) this.#startsWithoutAnswer = 0;
          settle(() => resolve(value));
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }

  /** Rejects pending calls with `closed` and terminates the worker. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stop();
    for (const p of [...this.#pending]) p.reject(new OutboxError('closed', { what: p.method }));
  }

  get closed(): boolean {
    return this.#closed;
  }

  #ensure(): Remote<WorkerRpc> | undefined {
    if (this.#remote !== undefined) return this.#remote;
    const worker = this.#given ?? this.#create?.();
    this.#given = undefined;
    if (worker === undefined) return undefined;
    this.#generation += 1;
    this.#startsWithoutAnswer += 1;
    this.#worker = worker;
    worker.addEventListener('error', this.#onError);
    this.#remote = wrap<WorkerRpc>(worker);
    for (const hook of this.#onStart) hook();
    return this.#remote;
  }

  readonly #onError = (): void => {
    this.#die('worker-error');
  };

  /** Pings the worker of `generation`; a missed ping kills it. Resolves whether it is alive. */
  #probe(generation: number): Promise<boolean> {
    if (generation !== this.#generation || this.#remote === undefined) return Promise.resolve(false);
    if (this.#ping !== undefined) return this.#ping;
    const remote = this.#remote;
    const ping = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.#timeoutMs);
      remote.ping().then(
        () => {
          clearTimeout(timer);
          resolve(true);
        },
        () => {
          clearTimeout(timer);
          resolve(false);
        },
      );
    }).then((alive) => {
      this.#ping = undefined;
      if (!alive) this.#die('ping');
      return alive;
    });
    this.#ping = ping;
    return ping;
  }

  #stop(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    this.#remote = undefined;
    this.#ping = undefined;
    if (worker === undefined) return;
    worker.removeEventListener('error', this.#onError);
    worker.terminate();
  }

  #die(reason: string): void {
    if (this.#remote === undefined || this.#closed) return;
    this.#stop();
    for (const p of [...this.#pending]) p.reject(new OutboxError('worker-unavailable', { method: p.method, reason }));
    if (this.#create !== undefined && this.#startsWithoutAnswer < MAX_EAGER_RESTARTS) this.#ensure();
  }
}
