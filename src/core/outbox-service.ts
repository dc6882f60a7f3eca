import { OutboxError } from '../errors.ts';
import type { WriteId } from '../protocol/ids.ts';
import type { OutboxApi, Unsubscribe } from '../protocol/outbox-api.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../protocol/sync-status.ts';
import { type ChannelMessage, isChannelMessage } from './runtime/channel-message.ts';
import type { RefreshAuth } from './runtime/auth-refresher.ts';
import { Leadership } from './runtime/leadership.ts';
import type { AuthPort, ChannelPort, DocStorePort, LockPort, SyncRunnerPort } from './runtime/runtime-ports.ts';
import { channelName, syncLockName } from './runtime/worker-rpc.ts';
import { StatusPublisher } from './status/status-publisher.ts';

/** Everything the service needs, injected so it runs in a worker, a service worker or Node tests. */
export interface OutboxServiceDeps {
  readonly dbName: string;
  readonly store: DocStorePort;
  /**
   * Builds the sync loop; called only once this context holds the lock. `refreshAuth` asks this
   * context's page (the callback given to {@link OutboxService.setAuthRefresh}) for new headers.
   */
  readonly createRunner: (options: { readonly refreshAuth: RefreshAuth }) => SyncRunnerPort | Promise<SyncRunnerPort>;
  readonly auth: AuthPort;
  readonly locks: LockPort;
  readonly openChannel: (name: string) => ChannelPort;
  readonly now: () => number;
}

/**
 * The worker's {@link OutboxApi} over the local store and (in the lock holder only) the sync loop.
 *
 * Leadership: every tab's worker writes to the same database; the holder of the Web Lock
 * `outbox:sync:<db>` runs the loop. Others post `kick` on `outbox:<db>` after their writes
 * commit and relay page signals there; the holder publishes status snapshots there, which
 * every service relays to its own subscribers. `flush`/`whenSynced` watch storage (re-checked
 * on each status), so they work the same in a holder and a non-holder.
 */
export class OutboxService implements OutboxApi {
  readonly #deps: OutboxServiceDeps;
  readonly #status: StatusPublisher;
  readonly #channel: ChannelPort;
  readonly #leadership: Leadership;
  readonly #stopCommitted: Unsubscribe;
  readonly #stopChanges: Unsubscribe;
  /** Collections watched through this service (announced to the other contexts). */
  readonly #watching = new Set<string>();
  /** Collections watched in other contexts, as they announced: only their changes are posted. */
  readonly #watchedElsewhere = new Set<string>();
  #runner: SyncRunnerPort | undefined;
  #refreshAuth: RefreshAuth | null = null;
  #closed = false;
  readonly #signals = { online: undefined as boolean | undefined, visible: undefined as boolean | undefined, paused: false };

  private constructor(deps: OutboxServiceDeps, initial: SyncStatus) {
    this.#deps = deps;
    this.#status = new StatusPublisher(initial);
    this.#channel = deps.openChannel(channelName(deps.dbName));
    this.#channel.onmessage = (event) => {
      if (isChannelMessage(event.data)) this.#onMessage(event.data);
    };
    this.#stopCommitted = deps.store.onWritesCommitted(() => this.#kick());
    // Every context's watchers see every context's changes (acks made by the runner of another tab included).
    this.#stopChanges = deps.store.onChanges((changes) => {
      const watched = changes.filter((c) => this.#watchedElsewhere.has(c.collection));
      if (watched.length > 0) this.#post({ type: 'changes', changes: watched });
    });
    this.#leadership = new Leadership(deps.locks, syncLockName(deps.dbName), () => this.#lead());
    this.#post({ type: 'status-request' });
  }

  /** Builds the service with a status computed from storage until a holder publishes one. */
  static async open(deps: OutboxServiceDeps): Promise<OutboxService> {
    const counts = await deps.store.localStatus();
    return new OutboxService(deps, { ...INITIAL_SYNC_STATUS, ...counts, at: deps.now() });
  }

  /** Whether this context runs the sync loop. */
  get isRunner(): boolean {
    return this.#runner !== undefined;
  }

  put: OutboxApi['put'] = async (c, k, v, o) => this.#open().put(c, k, v, o);
  delete: OutboxApi['delete'] = async (c, k, o) => this.#open().delete(c, k, o);
  get: OutboxApi['get'] = async (c, k) => this.#open().get(c, k);
  list: OutboxApi['list'] = async (c, o) => this.#open().list(c, o);
  clear: OutboxApi['clear'] = async (c, o) => this.#open().clear(c, o);
  exportData: OutboxApi['exportData'] = async () => this.#open().exportData();
  importData: OutboxApi['importData'] = async (f) => this.#open().importData(f);
  listPending: OutboxApi['listPending'] = async (o) => this.#open().listPending(o);
  discardPending: OutboxApi['discardPending'] = async (id) => this.#open().discardPending(id);
  listDeadLetters: OutboxApi['listDeadLetters'] = async () => this.#open().listDeadLetters();
  retryDeadLetter: OutboxApi['retryDeadLetter'] = async (id, e) => this.#open().retryDeadLetter(id, e);
  discardDeadLetter: OutboxApi['discardDeadLetter'] = async (id) => this.#open().discardDeadLetter(id);
  listConflicts: OutboxApi['listConflicts'] = async () => this.#open().listConflicts();
  dismissConflict: OutboxApi['dismissConflict'] = async (id) => this.#open().dismissConflict(id);
  listQuarantined: OutboxApi['listQuarantined'] = async () => this.#open().listQuarantined();

  async watch(collection: string, listener: Parameters<OutboxApi['watch']>[1], key?: string): Promise<Unsubscribe> {
    const stop = this.#open().watch(collection, listener, key);
    if (!this.#watching.has(collection)) {
      this.#watching.add(collection);
      this.#post({ type: 'watching', collections: [collection] });
    }
    return stop;
  }

  async getStatus(): Promise<SyncStatus> {
    return this.#status.current;
  }

  async subscribeStatus(listener: (status: SyncStatus) => void): Promise<Unsubscribe> {
    return this.#status.subscribe(listener);
  }

  async flush(): Promise<void> {
    const store = this.#open();
    const since = this.#deps.now();
    const upTo = await store.lastPendingSeq();
    if (upTo === 0) return;
    this.#kick();
    // Done once the oldest pending write is newer than `upTo`. That oldest seq only grows (new
    // writes take higher seqs), so each check reads one record after the last one seen, instead
    // of counting the queue (or walking the entries deleted since) on every status change.
    let floor = 0;
    await this.#until(async () => {
      const first = await store.firstPendingSeq(floor);
      if (first === undefined || first > upTo) return true;
      floor = first - 1;
      return false;
    });
    // Gone from the outbox means acknowledged or dead-lettered; the latter is a failed flush.
    const dead = (await store.listDeadLetters()).filter((d) => d.write.seq <= upTo && d.deadAt >= since);
    if (dead.length > 0) throw new OutboxError('dead-lettered', { count: dead.length });
  }

  async whenSynced(id: WriteId): Promise<void> {
    const store = this.#open();
    this.#kick();
    await this.#until(async () => !(await store.hasPendingWrite(id)));
    if (await store.isDeadLettered(id)) throw new OutboxError('dead-lettered', { count: 1 });
  }

  async setAuth(headers: Record<string, string> | null): Promise<void> {
    await this.#deps.auth.set(headers);
    this.#signal('auth', true);
  }

  /**
   * The page's callback for new auth headers after a 401 (null: none). Only the runner's own
   * page is asked; every tab of an app passes the same callback, so whichever tab runs has one.
   */
  async setAuthRefresh(refresh: RefreshAuth | null): Promise<void> {
    this.#refreshAuth = refresh;
  }

  async setOnline(online: boolean): Promise<void> {
    this.#signal('online', online);
  }

  async setVisible(visible: boolean): Promise<void> {
    this.#signal('visible', visible);
  }

  async setPaused(paused: boolean): Promise<void> {
    this.#signal('paused', paused);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#stopCommitted();
    this.#stopChanges();
    const runner = this.#runner;
    this.#runner = undefined;
    await runner?.close();
    this.#leadership.release();
    this.#channel.close();
    this.#deps.store.close();
    this.#status.publish({ ...this.#status.current, phase: 'closed', at: this.#deps.now() });
    this.#wake();
  }

  #open(): DocStorePort {
    if (this.#closed) throw new OutboxError('closed', { what: 'outbox service' });
    return this.#deps.store;
  }

  /** Becomes the runner: starts the loop and replays the signals seen so far. */
  async #lead(): Promise<void> {
    if (this.#closed) return;
    const runner = await this.#deps.createRunner({ refreshAuth: async () => this.#refreshAuth?.() });
    if (this.#closed) {
      await runner.close();
      return;
    }
    this.#runner = runner;
    const { online, visible, paused } = this.#signals;
    if (online !== undefined) runner.setOnline(online);
    if (visible !== undefined) runner.setVisible(visible);
    if (paused) runner.setPaused(true);
    runner.subscribe((status) => {
      this.#status.publish(status);
      this.#post({ type: 'status', status });
      this.#wake();
    });
    runner.start();
  }

  #onMessage(m: ChannelMessage): void {
    const runner = this.#runner;
    if (m.type === 'changes') {
      this.#deps.store.relayChanges(m.changes);
      return;
    }
    if (m.type === 'watching') {
      for (const name of m.collections) this.#watchedElsewhere.add(name);
      this.#deps.store.watchElsewhere(m.collections);
      return;
    }
    // A newcomer learns what every context watches, and the current snapshot from the holder.
    if (m.type === 'status-request' && this.#watching.size > 0) {
      this.#post({ type: 'watching', collections: [...this.#watching] });
    }
    if (m.type === 'status') {
      if (runner === undefined) this.#status.publish(m.status);
      this.#wake();
    } else if (runner === undefined) {
      return;
    } else if (m.type === 'kick') {
      runner.kick();
    } else if (m.type === 'status-request') {
      this.#post({ type: 'status', status: this.#status.current });
    } else {
      this.#apply(runner, m.name, m.value);
    }
  }

  #signal(name: 'online' | 'visible' | 'paused' | 'auth', value: boolean): void {
    if (name !== 'auth') this.#signals[name] = value;
    const runner = this.#runner;
    if (runner !== undefined) this.#apply(runner, name, value);
    else this.#post({ type: 'signal', name, value } as ChannelMessage);
  }

  #apply(runner: SyncRunnerPort, name: 'online' | 'visible' | 'paused' | 'auth', value: boolean): void {
    if (name === 'online') runner.setOnline(value);
    else if (name === 'visible') runner.setVisible(value);
    else if (name === 'paused') runner.setPaused(value);
    else runner.setAuthChanged();
  }

  #kick(): void {
    if (this.#runner !== undefined) this.#runner.kick();
    else this.#post({ type: 'kick' });
  }

  #post(message: ChannelMessage): void {
    if (!this.#closed) this.#channel.postMessage(message);
  }

  // --- waiting on storage, woken by every status change (ours or the holder's) ---------------
  #waiters = new Set<() => void>();

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }

  /** Resolves once `done()` holds; re-checks on every status; rejects if sync cannot go on. */
  async #until(done: () => Promise<boolean>): Promise<void> {
    for (;;) {
      let wake: () => void = () => {};
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      this.#waiters.add(wake);
      try {
        if (await done()) return;
        const { phase, lastError } = this.#status.current;
        if (this.#closed || phase === 'closed') throw new OutboxError('closed', { what: 'outbox service' });
        if (phase === 'auth-required') throw new OutboxError('auth-required', { reason: lastError?.message });
        await woken;
      } finally {
        this.#waiters.delete(wake);
      }
    }
  }
}
