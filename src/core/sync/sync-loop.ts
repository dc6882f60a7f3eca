/*
 * The sync loop's states (status.phase) and what moves between them:
 *
 *              start / kick / flush / online / visible / interval / lease end
 *   ┌──────┐ ───────────────────────────────────────────────▶ ┌─────────┐ outbox empty ┌─────────┐
 *   │ idle │                                                   │ pushing │ ────────────▶│ pulling │
 *   └──────┘ ◀──────────────── pull done ──────────────────── └─────────┘              └─────────┘
 *      ▲  ▲                                                 5xx/429/408/425 │  401 after   │ (same failures
 *      │  │  retry timer (nextDelayMs, Retry-After floor)    network/timeout │  refresh     │  as a push)
 *      │  └──────────────────────────────── ┌─────────────────────┐ ◀───────┘      │        │
 *      │     online / visible / flush        │ backoff | offline   │ ◀─────────────┼────────┘
 *      │     (backoff reset, push now)       └─────────────────────┘               ▼
 *      │                                                                 ┌───────────────┐
 *      └──────────────── setAuthChanged() ───────────────────────────── │ auth-required │
 *                                                                        └───────────────┘
 *   paused: setPaused(true) from any state (a request in flight finishes); setPaused(false) → push + pull.
 *   closed: close() from any state; final. Pending flush()/whenSynced() promises reject.
 *   `offline` is `backoff` after a network-level failure (or a relayed `offline` while idle); its timer
 *   still runs, because navigator.onLine is not trusted. Any answered request counts as online.
 */
import { OutboxError } from '../../errors.ts';
import type { DeadLetter } from '../../protocol/dead-letter.ts';
import { randomId, type WriteId } from '../../protocol/ids.ts';
import type { JsonValue } from '../../protocol/json-value.ts';
import type { WriteReceipt } from '../../protocol/outbox-api.ts';
import type { ErrorInfo, PendingWrite } from '../../protocol/pending-write.ts';
import { INITIAL_SYNC_STATUS, type SyncStatus } from '../../protocol/sync-status.ts';
import { readDocChangesNow } from '../docs/read-doc-changes.ts';
import { dismissConflict } from '../queue/conflicts.ts';
import * as deadLetterOps from '../queue/dead-letters.ts';
import { lastPendingSeq } from '../queue/last-pending-seq.ts';
import type { QueueContext } from '../queue/queue-context.ts';
import { coalesced } from '../queue/coalesced-run.ts';
import { readCounts } from '../queue/read-counts.ts';
import type { SettleReport } from '../queue/settle-results.ts';
import { nextDelayMs } from '../retry/next-delay-ms.ts';
import { toErrorInfo } from '../retry/to-error-info.ts';
import type { TransportOutcome } from '../retry/transport-outcome.ts';
import { StatusPublisher, type StatusUnsubscribe } from '../status/status-publisher.ts';
import { type SyncEvent, syncStatusReducer } from '../status/sync-status-reducer.ts';
import type { PassDeps, PassEnd } from './pass-deps.ts';
import { pullPass } from './pull-pass.ts';
import { pushPass } from './push-pass.ts';
import { DEFAULT_SYNC_POLICY, type SyncPolicy } from './sync-policy.ts';
import { LoopTimer } from './loop-timer.ts';
import { storeContext } from './store-context.ts';
import type { SyncLoopOptions } from './sync-loop-options.ts';
import { SyncWaiters } from './sync-waiters.ts';

/**
 * Drains the outbox to the server and pulls remote changes; see the state diagram above.
 * Only one runner per database should run it (the Web Lock holder); it never throws from
 * triggers, and after any failure it retries on its own timer.
 *
 * @example
 * const loop = new SyncLoop({ storage, store, transport, clock: Date, timers: globalThis, random: Math.random });
 * loop.subscribe((s) => render(s));
 * loop.start();
 */
export class SyncLoop {
  /** The status snapshot and its subscribers. */
  readonly status: StatusPublisher;
  readonly #o: SyncLoopOptions;
  readonly #policy: SyncPolicy;
  readonly #waiters = new SyncWaiters();
  readonly #newId: () => string;
  #started = false;
  #closed = false;
  #paused = false;
  #authRequired = false;
  /** Bumped by every setAuthChanged: a 401 answered to a pass that began under older credentials proves nothing. */
  #authGeneration = 0;
  #visible: boolean;
  #attempt = 0;
  readonly #timer: LoopTimer;
  #wantPush = false;
  #wantPull = false;
  #scheduled = false;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(options: SyncLoopOptions) {
    this.#o = options;
    this.#policy = { ...DEFAULT_SYNC_POLICY, ...options.policy };
    this.#newId = options.newId ?? (() => randomId());
    this.#visible = options.visible ?? true;
    this.#timer = new LoopTimer(options.timers);
    this.status = new StatusPublisher({ ...INITIAL_SYNC_STATUS, at: options.clock.now() });
  }

  /** Calls `listener` now with the current status and after every change. */
  subscribe(listener: (status: SyncStatus) => void): StatusUnsubscribe {
    return this.status.subscribe(listener);
  }

  /** Starts syncing: a push and a pull now. */
  start(): void {
    if (this.#closed || this.#started) return;
    this.#started = true;
    this.#schedule(true, true);
  }

  /** Writes were added: push now, unless waiting out a backoff (the retry timer will send them). */
  kick(): void {
    if (this.#closed) return;
    if (!this.#started || this.#timer.kind === 'retry' || this.#paused || this.#authRequired) {
      void this.#refreshCounts().catch(() => undefined);
      return;
    }
    this.#schedule(true, false);
  }

  /** A page relayed `online`/`offline`. Online resets the backoff and pushes now. */
  setOnline(online: boolean): void {
    if (this.#closed) return;
    this.#event({ type: 'online-changed', at: this.#now(), online });
    if (!online) {
      if (this.status.current.phase === 'idle') this.#event({ type: 'phase', at: this.#now(), phase: 'offline' });
      return;
    }
    this.#attempt = 0;
    if (this.#started) this.#schedule(true, true);
  }

  /** A page became visible (push and pull now) or every page is hidden (interval pulls stop). */
  setVisible(visible: boolean): void {
    if (this.#closed) return;
    this.#visible = visible;
    if (visible && this.#started) this.#schedule(true, true);
    else if (!visible && this.#timer.kind === 'interval') this.#timer.clear();
  }

  /** Pauses (a request in flight finishes; nothing new starts) or resumes with a push and a pull. */
  setPaused(paused: boolean): void {
    if (this.#closed || this.#paused === paused) return;
    this.#paused = paused;
    if (paused) {
      this.#timer.clear();
      this.#event({ type: 'phase', at: this.#now(), phase: 'paused' });
    } else {
      this.#event({ type: 'phase', at: this.#now(), phase: this.#authRequired ? 'auth-required' : 'idle' });
      if (this.#started) this.#schedule(true, true);
    }
  }

  /** Credentials changed (setAuth): leaves auth-required and tries again now. */
  setAuthChanged(): void {
    if (this.#closed) return;
    const wasRequired = this.#authRequired;
    this.#authRequired = false;
    this.#authGeneration += 1;
    this.#attempt = 0;
    if (wasRequired) this.#event({ type: 'phase', at: this.#now(), phase: 'idle' });
    if (this.#started) this.#schedule(true, true);
  }

  /**
   * Resolves when every write pending at the time of the call (and any write that replaced one
   * after a conflict) is acknowledged; pushes now, without waiting out a backoff. Rejects with
   * `dead-lettered`, `auth-required` or `closed` when that cannot happen. Transient failures keep it
   * waiting while the loop retries.
   */
  async flush(): Promise<void> {
    if (this.#closed) throw new OutboxError('closed', { what: 'sync loop' });
    if (this.#authRequired) throw this.#authError(this.status.current.lastError);
    this.#attempt = 0;
    this.#schedule(true, false);
    const maxSeq = await lastPendingSeq(this.#o.storage);
    if (this.#closed) throw new OutboxError('closed', { what: 'sync loop' });
    if (maxSeq === 0) return;
    const done = this.#waiters.add(maxSeq, []);
    await this.#waiters.check(this.#o.storage);
    return done;
  }

  /** Resolves when the write is acknowledged (at once if it already left the outbox); rejects if it is dead-lettered. */
  async whenSynced(id: WriteId): Promise<void> {
    if (this.#closed) throw new OutboxError('closed', { what: 'sync loop' });
    const done = this.#waiters.add(0, [id]);
    await this.#waiters.check(this.#o.storage);
    return done;
  }

  /**
   * One pass for the service worker: push until the outbox is empty or the first failure, then
   * stop. Leaves no timer behind. Waits for a run of the loop in progress.
   */
  drainOnce(): Promise<{ remaining: number; error?: ErrorInfo | undefined }> {
    return this.#exclusive(async () => {
      let end: PassEnd;
      try {
        end = this.#closed ? { kind: 'stopped' } : await pushPass(this.#passDeps(), this.#hooks);
      } catch (e) {
        end = { kind: 'failed', error: toErrorInfo(e), retryAfterMs: undefined, network: false };
      }
      const remaining = await this.#o.storage.transact('readonly', (tx) => tx.countWrites());
      await this.#refreshCounts();
      if (end.kind === 'failed' || end.kind === 'auth') return { remaining, error: end.error };
      return { remaining };
    });
  }

  /** Re-reads pending, dead-letter, conflict and discard counts into the status (after changes made outside the loop). */
  refreshStatus(): Promise<void> {
    return this.#refreshCounts();
  }

  /** Resolves once no run or drain is queued or in progress (timers may still be set). */
  async whenIdle(): Promise<void> {
    for (let i = 0; i < 1_000; i++) {
      const chain = this.#chain;
      await chain;
      if (chain === this.#chain) return;
    }
  }

  /** Stops the loop for good; pending flush()/whenSynced() reject with `closed`. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer.clear();
    this.#waiters.rejectAll(new OutboxError('closed', { what: 'sync loop' }));
    this.#event({ type: 'phase', at: this.#now(), phase: 'closed' });
  }

  // --- dead letters and conflicts (through the loop, so counts and waiters stay current) ---

  /** Moves a pending write to the dead-letter store (reason `discarded-by-user`). */
  async discardPending(id: WriteId): Promise<void> {
    const { letter, change } = await deadLetterOps.discardPending(this.#o.storage, id, this.#now());
    this.#o.store.emitChanges([change]);
    this.#waiters.deadLettered([letter]);
    await this.#refreshCounts();
  }

  /** Puts a dead letter back in the outbox as a new write (optionally edited) and pushes it. */
  async retryDeadLetter(id: WriteId, edited?: { value: JsonValue }): Promise<WriteReceipt> {
    const { receipt, change } = await deadLetterOps.retryDeadLetter(this.#o.storage, id, edited, this.#context());
    this.#o.store.emitChanges([change]);
    this.kick();
    await this.#refreshCounts();
    return receipt;
  }

  /** Deletes a dead letter for good (counted in status.discarded). */
  async discardDeadLetter(id: WriteId): Promise<void> {
    await deadLetterOps.discardDeadLetter(this.#o.storage, id);
    await this.#refreshCounts();
  }

  /** Forgets a recorded conflict. */
  async dismissConflict(id: string): Promise<void> {
    await dismissConflict(this.#o.storage, id);
    await this.#refreshCounts();
  }

  // --- scheduling ---

  #schedule(push: boolean, pull: boolean): void {
    this.#wantPush ||= push;
    this.#wantPull ||= pull;
    if (this.#scheduled || this.#closed) return;
    this.#scheduled = true;
    this.#timer.clear();
    void this.#exclusive(() => this.#run());
  }

  /** Runs `fn` after every run or drain already queued, one at a time. */
  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#chain.then(fn);
    this.#chain = result.catch(() => undefined);
    return result;
  }

  #blocked(): boolean {
    return this.#closed || this.#paused || this.#authRequired;
  }

  async #run(): Promise<void> {
    const generation = this.#authGeneration;
    let exchanged = false;
    let end: PassEnd = { kind: 'done', exchanged: false, more: false };
    try {
      for (let round = 0; round < 100 && (this.#wantPush || this.#wantPull) && !this.#blocked(); round++) {
        const pull = this.#wantPull;
        this.#wantPush = false;
        this.#wantPull = false;
        const pushed = await pushPass(this.#passDeps(), this.#hooks);
        end = pushed;
        if (pushed.kind !== 'done' && pushed.kind !== 'blocked') break;
        if (pushed.kind === 'done') {
          exchanged ||= pushed.exchanged;
          this.#wantPush ||= pushed.more;
        }
        // Writes leased by another runner do not hold back the pull.
        if (!pull && !(pushed.kind === 'done' && pushed.exchanged)) continue;
        const pulled = await pullPass(this.#passDeps());
        if (pulled.kind !== 'done') {
          end = pulled;
          break;
        }
        exchanged = true;
        this.#wantPull ||= pulled.more;
      }
    } catch (e) {
      end = { kind: 'failed', error: toErrorInfo(e), retryAfterMs: undefined, network: false };
    }
    this.#scheduled = false;
    await this.#finish(end, exchanged, generation).catch(() => undefined);
  }

  async #finish(end: PassEnd, exchanged: boolean, generation: number): Promise<void> {
    await this.#refreshCounts();
    await this.#waiters.check(this.#o.storage);
    if (this.#closed) return;
    if (end.kind === 'failed') return this.#backoff(end);
    // Credentials changed while this pass ran: its 401 may answer the old ones, so try the new ones first.
    if (end.kind === 'auth' && generation !== this.#authGeneration) return this.#schedule(true, true);
    if (end.kind === 'auth') return this.#enterAuthRequired(end.error);
    if (exchanged) this.#attempt = 0;
    if (this.#authRequired) return;
    if (this.#paused) return this.#event({ type: 'phase', at: this.#now(), phase: 'paused' });
    if (end.kind === 'blocked') this.#timer.set('lease', end.until - this.#now(), () => this.#schedule(true, false));
    const at = this.#now();
    const pending = this.status.current.pending;
    this.#event(exchanged && pending === 0 ? { type: 'synced', at } : { type: 'phase', at, phase: 'idle' });
    if (this.#wantPush || this.#wantPull) this.#schedule(false, false);
    else if (this.#visible && end.kind !== 'blocked') {
      this.#timer.set('interval', this.#policy.pullIntervalMs, () => this.#schedule(false, true));
    }
  }

  #backoff(end: Extract<PassEnd, { kind: 'failed' }>): void {
    const delay = Math.max(nextDelayMs(this.#attempt, this.#policy, this.#o.random), end.retryAfterMs ?? 0);
    this.#attempt += 1;
    const at = this.#now();
    this.#event({ type: 'failed', at, error: end.error, nextRetryAt: at + delay, offline: end.network });
    this.#timer.set('retry', delay, () => this.#schedule(true, true));
  }

  #enterAuthRequired(error: ErrorInfo): void {
    this.#authRequired = true;
    const authError = this.#authError(error);
    this.#event({ type: 'auth-required', at: this.#now(), error: { code: authError.code, message: authError.message } });
    this.#waiters.rejectAll(authError);
  }

  #authError(error: ErrorInfo | null): OutboxError {
    return new OutboxError('auth-required', { reason: error?.code ?? 'unauthorized' });
  }

  // --- plumbing for the passes ---

  readonly #hooks = {
    settled: async (batch: readonly PendingWrite[], report: SettleReport): Promise<void> => {
      const seqOf = new Map(batch.map((w) => [w.id as string, w.seq]));
      for (const r of report.replaced) this.#waiters.replaced({ id: r.from, seq: seqOf.get(r.from) ?? 0 }, r.to);
      this.#waiters.deadLettered(report.deadLettered);
      if (report.changes.length > 0) this.#o.store.emitChanges(report.changes);
      const rejected = report.deadLettered[0];
      this.#attempt = 0;
      const counts = await readCounts(this.#o.storage);
      const error = rejected === undefined ? undefined : { code: rejected.code, message: rejected.message };
      this.#event({ type: 'push-settled', at: this.#now(), acked: report.acked.length + report.replaced.length, error, counts });
      await this.#waiters.check(this.#o.storage);
    },
    deadLettered: async (letters: DeadLetter[]): Promise<void> => {
      this.#waiters.deadLettered(letters);
      const docs = letters.map((l) => l.write);
      if (docs.length > 0) this.#o.store.emitChanges(await readDocChangesNow(this.#o.storage, docs, 'remote'));
      await this.#refreshCounts();
    },
  };

  #passDeps(): PassDeps {
    return {
      storage: this.#o.storage,
      transport: this.#o.transport,
      clientId: this.#o.store.clientId,
      policy: this.#policy,
      now: () => this.#now(),
      context: () => this.#context(),
      send: (request) => this.#send(request),
      event: (e) => this.#event(e),
      emitChanges: (changes) => this.#o.store.emitChanges(changes),
      shouldStop: () => this.#closed || this.#paused,
    };
  }

  async #send<T>(request: () => Promise<TransportOutcome<T>>): Promise<TransportOutcome<T>> {
    const outcome = await request();
    if (outcome.kind !== 'auth' || this.#o.auth === undefined) return outcome;
    const refreshed = await this.#o.auth.refresh().catch(() => false);
    return refreshed ? request() : outcome;
  }

  #context(): QueueContext {
    return storeContext(this.#o.store, this.#now(), this.#newId);
  }

  /** Re-reads the counts into the status; coalesced, so a burst of commits costs one recount, not one each. */
  #refreshCounts(): Promise<void> {
    return this.#countsRefresh();
  }

  readonly #countsRefresh = coalesced(async () => {
    this.#event({ type: 'counts', at: this.#now(), ...(await readCounts(this.#o.storage)) });
  });

  #event(event: SyncEvent): void {
    this.status.publish(syncStatusReducer(this.status.current, event));
  }

  #now(): number {
    return this.#o.clock.now();
  }
}
