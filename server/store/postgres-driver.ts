import postgres from 'postgres';
import { databaseUnreachable, isDatabaseUnreachable } from './database-unreachable.ts';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/** Seconds to wait for a new connection before a request is answered `503` (the database is down). */
const CONNECT_TIMEOUT_S = 5;

/**
 * Seconds between reconnection attempts after `retries` failed ones: 0.1, 0.2, 0.4, … at most 1,
 * so the server is back within a second of its database (the client's default grows to 20 s).
 */
export const reconnectDelayS = (retries: number): number => Math.min(0.05 * 2 ** retries, 1);

const CLIENT_OPTIONS = {
  onnotice: () => undefined,
  idle_timeout: 30,
  connect_timeout: CONNECT_TIMEOUT_S,
  backoff: reconnectDelayS,
  // Off: the client's type fetch after each connect is a promise nobody awaits, so a connection
  // reset during it (the database going down just then) is an unhandled rejection that ends the
  // process. Nothing here sends or reads arrays.
  fetch_types: false,
} as const;

/**
 * PostgreSQL through `postgres` (porsager). Many server processes may share one database:
 * row locks taken inside each push transaction serialize them.
 *
 * Connection parameters may ride in the URL query, e.g. `?search_path=tenant_a`.
 *
 * Single statements (pull, ping, rate limit) go through a pool. Each transaction runs on a
 * slot of its own — a one-connection client — with our own BEGIN/COMMIT/ROLLBACK, because the
 * client's own ways to hold a connection fail when the database goes away mid-transaction:
 * `sql.begin()` sends its ROLLBACK on the dead connection and then writes to a null socket from a
 * `setImmediate` callback (an uncaught TypeError that ends the process), and `sql.reserve()` can
 * lose a waiter for good when a connection closes while reservations wait. Here nothing more is
 * sent in a transaction once one of its statements failed for connection reasons (the server
 * rolls it back when the connection drops; the slot reconnects for the next transaction).
 * Statements of one transaction are sent one after the other, each as soon as the previous one
 * answered (no timer in between), so the connection cannot close unseen between two of them.
 */
export async function openPostgresDriver(url: string, options: { max?: number | undefined } = {}): Promise<SqlDriver> {
  const max = options.max ?? 10;
  const pool = postgres(url, { ...CLIENT_OPTIONS, max: Math.max(2, Math.ceil(max / 2)) });
  const slots = createSlots(max, () => postgres(url, { ...CLIENT_OPTIONS, max: 1 }));
  try {
    await run(pool, 'SELECT 1', []);
  } catch (e) {
    await pool.end({ timeout: 1 });
    throw e;
  }
  return {
    kind: 'postgres',
    query: (text, params = []) => run(pool, text, params),
    transaction: (fn) => slots.use((conn) => inTransaction(conn, fn)),
    close: async () => {
      await Promise.all([pool.end({ timeout: 5 }), slots.close()]);
    },
  };
}

async function run<R extends object>(q: postgres.Sql, text: string, params: readonly unknown[]): Promise<R[]> {
  try {
    // Parameters are strings or numbers only (JSON travels as text): no driver type inference involved.
    return (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as R[];
  } catch (e) {
    throw isDatabaseUnreachable(e) ? databaseUnreachable(e) : e;
  }
}

async function inTransaction<T>(conn: postgres.Sql, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
  let broken = false;
  const tx: SqlRunner = {
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      if (broken) throw databaseUnreachable(new Error('the transaction lost its connection'));
      try {
        return await run<R>(conn, text, params);
      } catch (e) {
        if (isDatabaseUnreachable((e as { cause?: unknown }).cause)) broken = true;
        throw e;
      }
    },
  };
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    return result;
  } catch (e) {
    // A failed ROLLBACK is reported by nothing: the statement that failed before says what happened.
    if (!broken) await tx.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** `count` one-connection clients, opened on first use, each lent to one transaction at a time (FIFO). */
function createSlots(count: number, open: () => postgres.Sql) {
  const all: postgres.Sql[] = [];
  const free: postgres.Sql[] = [];
  const waiting: ((slot: postgres.Sql) => void)[] = [];
  const acquire = (): Promise<postgres.Sql> => {
    const slot = free.pop() ?? (all.length < count ? open() : undefined);
    if (slot === undefined) return new Promise((resolve) => waiting.push(resolve));
    if (!all.includes(slot)) all.push(slot);
    return Promise.resolve(slot);
  };
  const release = (slot: postgres.Sql) => {
    const next = waiting.shift();
    if (next === undefined) free.push(slot);
    else next(slot);
  };
  return {
    async use<T>(fn: (slot: postgres.Sql) => Promise<T>): Promise<T> {
      const slot = await acquire();
      try {
        return await fn(slot);
      } finally {
        release(slot);
      }
    },
    close: async () => {
      await Promise.all(all.map((slot) => slot.end({ timeout: 5 })));
    },
  };
}
