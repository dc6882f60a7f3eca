import { proxy, type Remote, releaseProxy } from 'comlink';
import type { DocChange, Unsubscribe } from '../protocol/outbox-api.ts';
import type { WorkerConnection } from './worker-connection.ts';

interface WatchEntry {
  readonly collection: string;
  readonly key: string | undefined;
  readonly listener: (changes: DocChange[]) => void;
  remote: Remote<Unsubscribe> | undefined;
}

/**
 * Keeps the page's `watch` subscriptions so they are renewed on a new worker: a watch made
 * before a worker restart keeps receiving changes after it.
 */
export class WatchRegistry {
  readonly #connection: WorkerConnection;
  readonly #entries = new Set<WatchEntry>();

  constructor(connection: WorkerConnection) {
    this.#connection = connection;
    connection.onStart(() => {
      for (const entry of this.#entries) {
        entry.remote = undefined;
        this.#subscribe(entry).catch(() => {
          // The worker died again; the next start retries.
        });
      }
    });
  }

  /** Subscribes in the worker; resolves once the worker has registered the watch. */
  async add(collection: string, listener: (changes: DocChange[]) => void, key: string | undefined): Promise<Unsubscribe> {
    const entry: WatchEntry = { collection, key, listener: proxy((c: DocChange[]) => listener(c)), remote: undefined };
    await this.#subscribe(entry);
    this.#entries.add(entry);
    return () => this.#remove(entry);
  }

  /** Forgets every watch (on close). */
  clear(): void {
    for (const entry of [...this.#entries]) this.#remove(entry);
  }

  async #subscribe(entry: WatchEntry): Promise<void> {
    const remote = await this.#connection.call(
      'watch',
      (r) => r.watch(entry.collection, entry.listener, entry.key) as Promise<unknown>,
    );
    entry.remote = remote as Remote<Unsubscribe>;
  }

  #remove(entry: WatchEntry): void {
    if (!this.#entries.delete(entry)) return;
    const remote = entry.remote;
    entry.remote = undefined;
    if (remote === undefined || this.#connection.closed) return;
    remote()
      .catch(() => {
        // The worker is gone; so is the watch.
      })
      .finally(() => remote[releaseProxy]());
  }
}
