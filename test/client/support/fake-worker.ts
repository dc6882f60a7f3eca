import type { OutboxApi } from '../../../src/protocol/outbox-api.ts';
import type { WorkerLike } from '../../../src/client/worker-connection.ts';
import { exposeOutbox } from '../../../worker/expose-outbox.ts';

/** A Worker stand-in over a MessageChannel, running the real Comlink wiring around `service`. */
export interface FakeWorker extends WorkerLike {
  /** The worker stops answering anything (a hung or crashed thread that fires no event). */
  hang(): void;
  /** Fires an `error` event, as a worker whose script threw does. */
  fail(): void;
  readonly terminated: boolean;
  /** Liveness probes the client has sent. */
  readonly pings: number;
}

/** `dbName`: the database the worker says it serves (default 'outbox'). */
export function fakeWorker(service: OutboxApi, dbName?: string): FakeWorker {
  const { port1, port2 } = new MessageChannel();
  exposeOutbox(service, port2 as unknown as Parameters<typeof exposeOutbox>[1], dbName);
  const errorListeners = new Set<(e: Event) => void>();
  let terminated = false;
  let pings = 0;
  return {
    postMessage(message, transfer) {
      if ((message as { path?: string[] }).path?.[0] === 'ping') pings += 1;
      port1.postMessage(message, transfer as never);
    },
    addEventListener(type, listener) {
      if (type === 'error') errorListeners.add(listener);
      else port1.addEventListener('message', listener as never);
    },
    removeEventListener(type, listener) {
      if (type === 'error') errorListeners.delete(listener);
      else port1.removeEventListener('message', listener as never);
    },
    // Comlink calls start() on endpoints that have it (MessagePort does).
    ...{ start: () => port1.start() },
    terminate() {
      terminated = true;
      port1.close();
      port2.close();
    },
    hang() {
      port2.close();
    },
    fail() {
      for (const l of [...errorListeners]) l(new Event('error'));
    },
    get pings() {
      return pings;
    },
    get terminated() {
      return terminated;
    },
  };
}
