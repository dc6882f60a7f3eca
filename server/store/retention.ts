import { OutboxError } from '../../src/errors.ts';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/** Rows one {@link pruneExpired} run removed. */
export interface PruneCounts {
  /** Processed-write records. */
  readonly writes: number;
  readonly tombstones: number;
}

/**
 * Removes processed-write records and tombstones older than `cutoffMs` (the retention
 * horizon, by the server clock), at most `maxRows` of each per run, one transaction per user.
 *
 * What is kept instead (docs/PROTOCOL.md, "Retention horizon"):
 * - per client, `pruned_seq`: the highest seq whose record was pruned. Every record of the
 *   client at or below it goes, so a write id unknown at or below it is answered `write-expired`
 *   (it may have been applied) and never applied again;
 * - per user, `pruned_change_id`: the highest change id of a pruned tombstone. A pull from a
 *   cursor below it is answered `cursor-expired` (it could miss deletions).
 *
 * Each user's pruning holds that user's row lock, the one every push takes first, so it never
 * interleaves with a push of the same user.
 */
export async function pruneExpired(driver: SqlDriver, cutoffMs: number, maxRows: number): Promise<PruneCounts> {
  const cutoff = new Date(cutoffMs).toISOString();
  const users = await driver.query<{ user_id: string }>(
    `(SELECT user_id FROM processed_writes WHERE processed_at < $1::timestamptz ORDER BY processed_at LIMIT $2)
     UNION (SELECT user_id FROM docs WHERE deleted AND changed_at < $1::timestamptz ORDER BY changed_at LIMIT $2)`,
    [cutoff, maxRows],
  );
  let writes = 0;
  let tombstones = 0;
  for (const { user_id: userId } of users) {
    if (writes >= maxRows && tombstones >= maxRows) break;
    const counts = await driver.transaction(async (tx) => {
      await tx.query('SELECT user_id FROM users WHERE user_id = $1 FOR UPDATE', [userId]);
      return {
        writes: await pruneWrites(tx, userId, cutoff, maxRows - writes),
        tombstones: await pruneTombstones(tx, userId, cutoff, maxRows - tombstones),
      };
    });
    writes += counts.writes;
    tombstones += counts.tombstones;
  }
  return { writes, tombstones };
}

async function pruneWrites(tx: SqlRunner, userId: string, cutoff: string, budget: number): Promise<number> {
  if (budget <= 0) return 0;
  await tx.query(
    `WITH old AS (SELECT client_id, max(seq) AS seq FROM processed_writes
       WHERE user_id = $1 AND processed_at < $2::timestamptz GROUP BY client_id)
     UPDATE clients c SET pruned_seq = old.seq FROM old
     WHERE c.client_id = old.client_id AND c.user_id = $1 AND old.seq > c.pruned_seq`,
    [userId, cutoff],
  );
  // Everything at or below the watermark goes (a later run finishes what the budget cut off).
  const gone = await tx.query<{ n: number }>(
    `WITH gone AS (DELETE FROM processed_writes WHERE (user_id, write_id) IN (
       SELECT p.user_id, p.write_id FROM processed_writes p JOIN clients c ON c.client_id = p.client_id
       WHERE p.user_id = $1 AND c.user_id = $1 AND p.seq <= c.pruned_seq LIMIT $2) RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [userId, budget],
  );
  return gone[0]?.n ?? 0;
}

async function pruneTombstones(tx: SqlRunner, userId: string, cutoff: string, budget: number): Promise<number> {
  if (budget <= 0) return 0;
  const gone = await tx.query<{ change_id: string }>(
    `DELETE FROM docs WHERE (user_id, collection, key) IN (
       SELECT user_id, collection, key FROM docs
       WHERE user_id = $1 AND deleted AND changed_at < $2::timestamptz ORDER BY change_id LIMIT $3)
     RETURNING change_id::text AS change_id`,
    [userId, cutoff, budget],
  );
  if (gone.length === 0) return 0;
  const highest = gone.reduce((max, r) => (BigInt(r.change_id) > max ? BigInt(r.change_id) : max), 0n);
  await tx.query('UPDATE users SET pruned_change_id = GREATEST(pruned_change_id, $2::bigint) WHERE user_id = $1', [
    userId,
    highest.toString(),
  ]);
  return gone.length;
}

/**
 * Throws `cursor-expired` when `cursor` (a change id, "0" = from the beginning) is below the
 * user's highest pruned tombstone: a pull from it could miss deletions.
 */
export async function assertCursorKept(db: SqlRunner, userId: string, cursor: string): Promise<void> {
  const [row] = await db.query<{ pruned: string }>('SELECT pruned_change_id::text AS pruned FROM users WHERE user_id = $1', [
    userId,
  ]);
  if (row === undefined) return;
  const at = BigInt(cursor);
  if (at > 0n && at < BigInt(row.pruned)) throw new OutboxError('cursor-expired', { cursor, prunedChangeId: row.pruned });
}
