import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/**
 * Embedded PostgreSQL (WASM) in a data directory, or in memory for tests.
 *
 * PGlite has one connection, so every statement and transaction goes through one queue:
 * a statement can never slip into another request's open transaction.
 */
export async function openPgliteDriver(dataDir: string | 'memory'): Promise<SqlDriver> {
  if (dataDir !== 'memory') await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir === 'memory' ? undefined : dataDir);
  let tail: Promise<unknown> = Promise.resolve();
  const serialize = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  const runner = (q: Pick<PGlite, 'query'>): SqlRunner => ({
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      const rows = (await q.query<R>(text, [...params])).rows;
      // PGlite runs each statement synchronously on this thread and settles its promise at once, so a
      // whole transaction would run as one chain of microtasks: no timer (the request timeout), socket
      // or other request could run until it ends. Yielding after each statement lets them in between.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return rows;
    },
  });
  return {
    kind: 'pglite',
    query: (text, params) => serialize(() => runner(db).query(text, params)),
    transaction: (fn) => serialize(() => db.transaction((tx) => fn(runner(tx)))),
    close: () => serialize(() => db.close()),
  };
}
