import type { SqlRunner } from './sql-driver.ts';

/**
 * Takes one request token from the user's bucket in `rate_buckets`, shared by every server
 * instance on the database: one statement (an upsert that refills by the time since the last
 * request, by the database's clock, then takes a token if there is one). Returns 0 when the
 * request may go on, else the whole seconds to wait (`Retry-After`, at least 1).
 */
/** The bucket's tokens now: what was left plus the refill since the last request, at most `burst`. */
const REFILLED = 'least($2::float8, b.tokens + greatest(0, EXCLUDED.at_ms - b.at_ms) / 1000 * $3::float8)';

export async function takeSharedToken(
  db: SqlRunner,
  userId: string,
  limit: { readonly burst: number; readonly perSecond: number },
): Promise<number> {
  const [row] = await db.query<{ granted: boolean; tokens: number }>(
    `INSERT INTO rate_buckets AS b (user_id, tokens, at_ms, granted)
     VALUES ($1, $2::float8 - 1, extract(epoch FROM clock_timestamp()) * 1000, true)
     ON CONFLICT (user_id) DO UPDATE SET
       tokens = CASE WHEN ${REFILLED} >= 1 THEN ${REFILLED} - 1 ELSE ${REFILLED} END,
       granted = ${REFILLED} >= 1,
       at_ms = EXCLUDED.at_ms
     RETURNING b.granted, b.tokens`,
    [userId, String(limit.burst), String(limit.perSecond)],
  );
  if (row === undefined || row.granted) return 0;
  return Math.max(1, Math.ceil((1 - Number(row.tokens)) / limit.perSecond));
}
