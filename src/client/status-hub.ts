import { proxy, type Remote, releaseProxy } from 'comlink';
import type { Unsubscribe } from '../protocol/outbox-api.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../protocol/sync-status.ts';
import type { StatusView } from './outbox.ts';
import type { WorkerConnection } from './worker-connection.ts';

/**
 * Holds the latest {@link SyncStatus} and fans it out to page listeners, backed by ONE
 * worker subscription that is renewed whenever the worker (re)starts.
 */
export class StatusHub implements StatusView {
  readonly #connection: WorkerConnection;
  readonly #listeners = new Set<(status: SyncStatus) => void>();
  #current: SyncStatus = INITIAL_SYNC_STATUS;
  #remoteUnsubscribe: Remote<Unsubscribe> | undefined;

  constructor(connection: WorkerConnection) {
    this.#connection = connection;
    connection.onStart(() => this.#subscribe());
  }

  get(): SyncStatus {
    return this.#current;
  }

  subscribe(listener: (status: SyncStatus) => void): Unsubscribe {
    const wrapped = (s: SyncStatus): void => listener(s);
    this.#listeners.add(wrapped);
    this.#connection.start();
    listener(this.#current);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  /** Drops the worker subscription (on close). */
  stop(): void {
    this.#listeners.clear();
    const unsubscribe = this.#remoteUnsubscribe;
    this.#remoteUnsubscribe = undefined;
    if (unsubscribe !== undefined) unsubscribe[releaseProxy]();
  }

  #publish(status: SyncStatus): void {
    this.#current = status;
    for (const listener of [...this.#listeners]) {
      try {
        listener(status);
      } catch (error) {
        // One faulty listener must not starve the others; surface it like an event handler would.
        if (typeof reportError === 'function') reportError(error);
        else console.error(error);
      }
    }
  }

  #subscribe(): void {
    // The old subscription died with its worker; its proxy is gone with it.
    this.#remoteUnsubscribe = undefined;
    const onStatus = proxy((status: SyncStatus) => this.#publish(status));
    this.#connection
      .call('subscribeStatus', (remote) => remote.subscribeStatus(onStatus) as Promise<unknown>)
      .then((unsubscribe) => {
        this.#remoteUnsubscribe = unsubscribe as Remote<Unsubscribe>;
      })
      .catch(() => {
        // The worker died before answering; the next start subscribes again.
      });
  }
}
