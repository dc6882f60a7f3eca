import type { WorkerRpc } from '../core/runtime/worker-rpc.ts';
import type { WriteId } from '../protocol/ids.ts';
import type { JsonValue } from '../protocol/json-value.ts';
import type { WriteReceipt } from '../protocol/outbox-api.ts';
import { OutboxError } from '../outbox-error.ts';
import type { WorkerConnection } from './worker-connection.ts';

/** One write whose commit the page has not heard of yet, as the journal keeps it. */
export interface JournalEntry {
  readonly id: WriteId;
  /** Collection. */
  readonly c: string;
  /** Key. */
  readonly k: string;
  /** The value put (kept as passed: the app must not change it until put() settles). */
  readonly v?: JsonValue | undefined;
  /** 1 for a delete. */
  readonly d?: 1 | undefined;
  /** When the write was made (epoch ms). */
  readonly at: number;
}

/** The page's put/delete, each journaled until the page hears that it committed. */
export interface JournaledWrites {
  put(collection: string, key: string, value: JsonValue): Promise<WriteReceipt>;
  delete(collection: string, key: string): Promise<WriteReceipt>;
  /** Stops journaling on pagehide. */
  stop(): void;
}

/** The localStorage key of the journal of database `db`. */
export const journalKey = (db: string): string => `outbox:journal:${db}`;

/**
 * Writes that survive the page going away. Each write's id is chosen here, before the call, and
 * the write is kept in memory until its promise settles; on `pagehide` the unsettled ones are
 * written synchronously to localStorage under {@link journalKey}. At start, once the worker names
 * its database, the entries a previous page left are replayed by id (the worker skips those that
 * landed) and writes made meanwhile are sent after them, in order. Failures are reported
 * (`journal-unavailable`, or the worker's error for an entry it refuses), never swallowed.
 */
export function journaledWrites(c: WorkerConnection, report: (error: OutboxError) => void, db?: string): JournaledWrites {
  const open = new Map<string, JournalEntry>();
  // `reason` names the cause, e.g. a QuotaExceededError when localStorage is full.
  const fail = (reason: unknown): void =>
    report(new OutboxError('journal-unavailable', { reason: String(reason), count: open.size }));
  let store: Storage | undefined;
  try {
    store = localStorage;
  } catch (e) {
    fail(e);
  }
  // Known at once when the app names the database; else once the worker does (writes made before cannot be journaled).
  let key = db ? journalKey(db) : '';
  // An unreadable journal reads as empty here; the worker reports it (`journal-invalid`) when it replays it.
  const read = (): JournalEntry[] => {
    try {
      return JSON.parse(store?.getItem(key) ?? '[]') as JournalEntry[];
    } catch {
      return [];
    }
  };
  const write = (entries: JournalEntry[]): void => {
    try {
      if (entries.length > 0) store?.setItem(key, JSON.stringify(entries));
      else store?.removeItem(key);
    } catch (e) {
      fail(e);
    }
  };
  const save = (): void => {
    if (open.size === 0 || store === undefined) return;
    if (key === '') {
      fail('database not known yet');
      return;
    }
    const all = new Map(read().map((e) => [e.id, e]));
    for (const e of open.values()) all.set(e.id, e);
    // An entry that cannot be written as JSON (a value nested too deep) is left out alone, not with the others.
    write(
      [...all.values()].filter((e) => {
        try {
          return JSON.stringify(e);
        } catch {
          return '';
        }
      }),
    );
  };
  // Writes wait until the worker has the journal a previous page left, so they are queued after its replay.
  const gate = (db ? Promise.resolve(db) : c.call('dbName', (r) => r.dbName()))
    .then(async (name) => {
      key = journalKey(name);
      const text = store?.getItem(key);
      if (text) (await import('./replay-journal-entries.ts')).replayJournalEntries(c, text, { read, write }, report, OutboxError);
    })
    .catch(() => {});
  const journaled = (op: 'put' | 'delete', collection: string, k: string, value?: JsonValue): Promise<WriteReceipt> => {
    const id = crypto.randomUUID().replace(/-/g, '') as WriteId;
    open.set(id, { id, c: collection, k, at: Date.now(), ...(op === 'delete' ? { d: 1 as const } : { v: value }) });
    const call = () =>
      c
        .call(op, (r: WorkerRpc) =>
          op === 'delete' ? r.delete(collection, k, { id }) : r.put(collection, k, value as JsonValue, { id }),
        )
        .catch((e: unknown) => {
          // The browser could not copy the value to the worker (nested too deep, not cloneable): nothing was sent.
          throw e instanceof RangeError || e instanceof DOMException
            ? new OutboxError('invalid-value', { collection, key: k }, { cause: e, message: String(e) })
            : e;
        });
    // Every write waits for the replay to be sent (one microtask once it is). Settled: no longer journaled; entries
    // a page in the bfcache stored stay until the next start's replay skips them.
    return gate.then(call).finally(() => open.delete(id));
  };
  globalThis.addEventListener?.('pagehide', save);
  return {
    put: (collection, k, value) => journaled('put', collection, k, value),
    delete: (collection, k) => journaled('delete', collection, k),
    stop: () => globalThis.removeEventListener?.('pagehide', save),
  };
}
