import postgres from 'postgres';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/**
 * PostgreSQL through `postgres` (porsager). Many server processes may share one database:
 * row locks taken inside each push transaction serialize them.
 *
 * Connection parameters may ride in the URL query, e.g. `?search_path=tenant_a`.
 */
export async function openPostgresDriver(url: string, options: { max?: number | undefined } = {}): Promise<SqlDriver> {
  const sql = postgres(url, { max: options.max ?? 10, onnotice: () => undefined, idle_timeout: 30 });
  const runner = (q: postgres.Sql | postgres.TransactionSql): SqlRunner => ({
    async query<R extends object>(text: string, params: readonly unknown[] = []) {
      // Parameters are strings or numbers only (JSON travels as text): no driver type inference involved.
      return (await q.unsafe(text, params as postgres.ParameterOrJSON<never>[])) as unknown as R[];
    },
  });
  await sql`SELECT 1`;
  return {
    kind: 'postgres',
    query: (text, params) => runner(sql).query(text, params),
    transaction: async (fn) => (await sql.begin((tx) => fn(runner(tx)))) as Awaited<ReturnType<typeof fn>>,
    close: () => sql.end({ timeout: 5 }),
  };
}
