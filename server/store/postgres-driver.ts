import postgres from 'postgres';
import { databaseUnreachable, isDatabaseUnreachable } from './database-unreachable.ts';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/** Seconds to wait for a new connection before a request is answered `503` (the database is down). */
const CONNECT_TIMEOUT_S = 5;

/** Longest wait for a connection of the pool to run a transaction on. */
const RESERVE_TIMEOUT_MS = 5_000;

/**
 * Seconds between reconnection attempts after `retries` failed ones: 0.1, 0.2, 0.4, … at most 1,
 * so the server is back within a second of its database (the client's default grows to 20 s).
 */
export const reconnectDelayS = (retries: number): number => Math.min(0.05 * 2 ** retries, 1);

/**
 * PostgreSQL through `postgres` (porsager). Many server processes may share one database:
 * row locks taken inside each push transaction serialize them.
 *
 * Connection parameters may ride in the URL query, e.g. `?search_path=tenant_a`.
 *
 * Transactions run on a reserved connection with our own BEGIN/COMMIT/ROLLBACK, not
 * `sql.begin()`: when the connection dies mid-transaction, `sql.begin()` sends its own
 * ROLLBACK on the dead connection, and the client then writes to a null socket from a
 * `setImmediate` callback, an uncaught TypeError that ends the process. Here nothing more is
 * sent on a connection once one of its statements failed for connection reasons, and such a
 * connection is not released either (the pool takes it back itself when it closes).
 * Statements of one transaction are sent one after the other, each as soon as the previous
 * one answered (no timer in between), so a connection cannot close unseen between two of them.
 */
export async function openPostgresDriver(url: string, options: { max?: number | undefined } = {}): Promise<SqlDriver> {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => undefined,
    idle_timeout: 30,
    connect_timeout: CONNECT_TIMEOUT_S,
    backoff: reconnectDelayS,
  });
  const run = async <R extends object>(q: postgres.Sql, text: string, params: readonly unknown[]): Promise<R[]> => {
    try {
      // Parameters are strings or numbers only (JSON travels as text): no driver type inference involved.
      return (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as R[];
    } catch (e) {
      throw isDatabaseUnreachable(e) ? databaseUnreachable(e) : e;
    }
  };
  await run(sql, 'SELECT 1', []);
  return {
    kind: 'postgres',
    query: (text, params = []) => run(sql, text, params),
    transaction: (fn) => inTransaction(sql, run, fn),
    close: () => sql.end({ timeout: 5 }),
  };
}

type Run = <R extends object>(q: postgres.Sql, text: string, params: readonly unknown[]) => Promise<R[]>;

async function inTransaction<T>(sql: postgres.Sql, run: Run, fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
  const conn = await reserve(sql);
  let broken = false;
  const tx = {
    broken: () => broken,
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      if (broken) throw databaseUnreachable(new Error('the transaction lost its connection'));
      try {
        return await run<R>(conn, text, params);
      } catch (e) {
        if (isDatabaseUnreachable(e) || isDatabaseUnreachable((e as { cause?: unknown }).cause)) broken = true;
        throw e;
      }
    },
  };
  try {
    await tx.query('BEGIN');
    const result = await fn(tx);
    await tx.query('COMMIT');
    conn.release();
    return result;
  } catch (e) {
    if (!broken) await rollback(tx, conn);
    throw e;
  }
}

/**
 * `sql.reserve()`, bounded by {@link RESERVE_TIMEOUT_MS}. Bounded because the client can lose a
 * waiter: when a connection closes while reservations wait, it reconnects on behalf of the first
 * waiter and then never hands it the connection. A reservation that arrives after the timeout is released at once.
 */
function reserve(sql: postgres.Sql): Promise<postgres.ReservedSql> {
  return new Promise((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(databaseUnreachable(new Error(`no database connection within ${RESERVE_TIMEOUT_MS} ms`)));
    }, RESERVE_TIMEOUT_MS);
    sql.reserve().then(
      (conn) => {
        clearTimeout(timer);
        if (late) conn.release();
        else resolve(conn);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(isDatabaseUnreachable(e) ? databaseUnreachable(e) : e);
      },
    );
  });
}

/**
 * Rolls back and releases a connection that is still healthy. When the connection dies during
 * the ROLLBACK, the server rolls back on its own and the pool recycles the connection when it closes.
 */
async function rollback(tx: SqlRunner & { readonly broken: () => boolean }, conn: postgres.ReservedSql): Promise<void> {
  try {
    await tx.query('ROLLBACK');
  } catch {
    // Reported by the statement that failed before; a ROLLBACK failure adds nothing.
  }
  if (!tx.broken()) conn.release();
}
