import { OutboxError } from '../../src/errors.ts';
import type { Change } from '../../src/protocol/pull-messages.ts';
import type { FinalResult, PushRequest, WriteResult } from '../../src/protocol/push-messages.ts';
import { type DocState, decideBatch, docKey } from './decide-batch.ts';
import { assertCursorKept, type PruneCounts, pruneExpired } from './retention.ts';
import { takeSharedToken } from './shared-token-bucket.ts';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

/** One page of a user's compacted change feed. */
export interface PullPage {
  readonly changes: Change[];
  /** The last change id returned, or the input cursor when the page is empty. */
  readonly cursor: string;
  readonly hasMore: boolean;
}

/** The server's storage: push and pull, always scoped by the verified user id. */
export interface SyncStore {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Processes a validated batch in ONE transaction and returns one result per write, in order.
   * Throws `client-id-taken` (nothing applied) when the client id belongs to another user.
   */
  push(userId: string, request: PushRequest, limits: { readonly maxDocBytes: number }): Promise<WriteResult[]>;
  /**
   * Changes with change id > `cursor` (a non-negative integer string), oldest first, at most `limit`.
   * Throws `cursor-expired` when tombstones newer than `cursor` were pruned, unless `resync`
   * (a page of a full re-pull, whose client drops what the feed does not return).
   */
  pull(userId: string, cursor: string, limit: number, options?: { readonly resync?: boolean | undefined }): Promise<PullPage>;
  /**
   * Prunes what is past the retention horizon: processed-write records and tombstones older
   * than `cutoffMs` (epoch ms, server clock), at most `maxRows` of each. See docs/PROTOCOL.md.
   */
  prune(cutoffMs: number, maxRows: number): Promise<PruneCounts>;
  /**
   * PostgreSQL only: takes a request token from the user's bucket shared by all instances
   * (0 = go on, else seconds to wait). PGlite serves one process, whose in-memory bucket suffices.
   */
  readonly takeRequestToken?:
    | ((userId: string, limit: { readonly burst: number; readonly perSecond: number }) => Promise<number>)
    | undefined;
  /** Resolves when the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

interface DocRow {
  collection: string;
  key: string;
  version: number;
  value_json: string | null;
  deleted: boolean;
  written_at: string;
  last_client_id: string;
  streak_base: number;
  change_id: string;
}

const DOC_COLUMNS = `collection, key, version, value_json, deleted, written_at::text AS written_at,
  last_client_id, streak_base, change_id::text AS change_id`;

/** Builds the store over either driver; the SQL below is the only SQL. Migrations must have run. */
export function createSyncStore(driver: SqlDriver): SyncStore {
  return {
    kind: driver.kind,
    push: (userId, request, limits) => driver.transaction((tx) => pushInTransaction(tx, userId, request, limits.maxDocBytes)),
    pull: async (userId, cursor, limit, options) => {
      const page = await pullPage(driver, userId, cursor, limit);
      // After the page: a prune that committed before the page was read is seen here.
      if (options?.resync !== true) await assertCursorKept(driver, userId, cursor);
      return page;
    },
    prune: (cutoffMs, maxRows) => pruneExpired(driver, cutoffMs, maxRows),
    takeRequestToken: driver.kind === 'postgres' ? (userId, limit) => takeSharedToken(driver, userId, limit) : undefined,
    ping: async () => {
      await driver.query('SELECT 1');
    },
    close: () => driver.close(),
  };
}

async function pushInTransaction(tx: SqlRunner, userId: string, request: PushRequest, maxDocBytes: number) {
  const { highestSeq, prunedSeq } = await lockClient(tx, userId, request.clientId);
  const writeIds = JSON.stringify(request.writes.map((w) => w.id));
  const processedRows = await tx.query<{ write_id: string; result_json: string }>(
    `SELECT write_id, result_json FROM processed_writes
     WHERE user_id = $1 AND write_id IN (SELECT jsonb_array_elements_text($2::text::jsonb))`,
    [userId, writeIds],
  );
  const processed = new Map(processedRows.map((r) => [r.write_id, JSON.parse(r.result_json) as FinalResult]));
  const keys = JSON.stringify(request.writes.map((w) => ({ collection: w.collection, key: w.key })));
  const docRows = await tx.query<DocRow>(
    `SELECT ${DOC_COLUMNS} FROM docs
     WHERE user_id = $1 AND (collection, key) IN (SELECT k.collection, k.key FROM jsonb_to_recordset($2::text::jsonb) AS k(collection text, key text))`,
    [userId, keys],
  );
  const docs = new Map(docRows.map((r) => [docKey(r.collection, r.key), toDocState(r)]));
  const decision = decideBatch({
    clientId: request.clientId,
    highestSeq,
    prunedSeq,
    writes: request.writes,
    processed,
    docs,
    maxDocBytes,
  });
  if (decision.changedDocs.length > 0) await upsertDocs(tx, userId, decision.changedDocs);
  if (decision.recorded.length > 0) {
    const rows = decision.recorded.map(({ write, result }) => ({
      write_id: write.id,
      seq: write.seq,
      result_json: JSON.stringify(result),
    }));
    await tx.query(
      `INSERT INTO processed_writes (user_id, client_id, write_id, seq, result_json)
       SELECT $1, $2, r.write_id, r.seq, r.result_json FROM jsonb_to_recordset($3::text::jsonb) AS r(write_id text, seq bigint, result_json text)`,
      [userId, request.clientId, JSON.stringify(rows)],
    );
    await tx.query('UPDATE clients SET highest_seq = $3 WHERE client_id = $1 AND user_id = $2', [
      request.clientId,
      userId,
      String(decision.highestSeq),
    ]);
  }
  return decision.results;
}

/**
 * Locks the user row, then the client row (always in that order, so no deadlocks), creating
 * either if new. The user lock makes change ids of one user commit in order, so a pull never
 * skips a change that commits late; the client lock makes concurrent identical pushes apply once.
 */
async function lockClient(tx: SqlRunner, userId: string, clientId: string): Promise<{ highestSeq: number; prunedSeq: number }> {
  await tx.query('INSERT INTO users (user_id) VALUES ($1) ON CONFLICT DO NOTHING', [userId]);
  await tx.query('SELECT user_id FROM users WHERE user_id = $1 FOR UPDATE', [userId]);
  await tx.query('INSERT INTO clients (client_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [clientId, userId]);
  const [client] = await tx.query<{ user_id: string; highest_seq: string; pruned_seq: string }>(
    'SELECT user_id, highest_seq::text AS highest_seq, pruned_seq::text AS pruned_seq FROM clients WHERE client_id = $1 FOR UPDATE',
    [clientId],
  );
  if (client === undefined || client.user_id !== userId) throw new OutboxError('client-id-taken', { clientId });
  return { highestSeq: Number(client.highest_seq), prunedSeq: Number(client.pruned_seq) };
}

async function upsertDocs(tx: SqlRunner, userId: string, docs: readonly DocState[]): Promise<void> {
  const rows = docs.map((d, ord) => ({
    ord,
    collection: d.collection,
    key: d.key,
    version: d.version,
    value_json: d.deleted ? null : JSON.stringify(d.value),
    deleted: d.deleted,
    written_at: d.writtenAt,
    last_client_id: d.lastClientId,
    streak_base: d.streakBase,
  }));
  await tx.query(
    `INSERT INTO docs (user_id, collection, key, version, value_json, deleted, written_at, last_client_id, streak_base, change_id)
     SELECT $1, r.collection, r.key, r.version, r.value_json, r.deleted, r.written_at, r.last_client_id, r.streak_base, nextval('change_seq')
     FROM jsonb_to_recordset($2::text::jsonb) AS r(ord integer, collection text, key text, version integer, value_json text,
       deleted boolean, written_at bigint, last_client_id text, streak_base integer)
     ORDER BY r.ord
     ON CONFLICT (user_id, collection, key) DO UPDATE SET version = EXCLUDED.version, value_json = EXCLUDED.value_json,
       deleted = EXCLUDED.deleted, written_at = EXCLUDED.written_at, last_client_id = EXCLUDED.last_client_id,
       streak_base = EXCLUDED.streak_base, change_id = EXCLUDED.change_id, changed_at = now()`,
    [userId, JSON.stringify(rows)],
  );
}

async function pullPage(db: SqlRunner, userId: string, cursor: string, limit: number): Promise<PullPage> {
  // `docs.change_id`, qualified: a bare `change_id` in ORDER BY names the text alias of DOC_COLUMNS,
  // which sorts '10' before '2' and made pages skip changes whose ids cross a power of ten.
  const rows = await db.query<DocRow>(
    `SELECT ${DOC_COLUMNS} FROM docs WHERE user_id = $1 AND docs.change_id > $2::bigint ORDER BY docs.change_id LIMIT $3`,
    [userId, cursor, limit + 1],
  );
  const page = rows.slice(0, limit);
  const changes = page.map(toChange);
  return { changes, cursor: page.at(-1)?.change_id ?? cursor, hasMore: rows.length > limit };
}

function toChange(r: DocRow): Change {
  const base = { collection: r.collection, key: r.key, version: r.version, writtenAt: Number(r.written_at) };
  return r.deleted ? { ...base, op: 'delete' } : { ...base, op: 'put', value: JSON.parse(r.value_json ?? 'null') };
}

function toDocState(r: DocRow): DocState {
  return {
    collection: r.collection,
    key: r.key,
    version: r.version,
    value: r.value_json === null ? null : JSON.parse(r.value_json),
    deleted: r.deleted,
    writtenAt: Number(r.written_at),
    lastClientId: r.last_client_id,
    streakBase: r.streak_base,
  };
}
