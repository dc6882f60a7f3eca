import type { SqlDriver } from './sql-driver.ts';

/** One schema change. Never edit a released migration; append a new one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/**
 * The whole schema, for both drivers. Every table is keyed by `user_id` and every query
 * filters by it; `clients` is keyed by the globally unique client id and carries its owner.
 * Values and results are JSON text (exactly what was sent; no jsonb normalisation).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial',
    statements: [
      `CREATE TABLE users (
        user_id text PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE TABLE clients (
        client_id text PRIMARY KEY,
        user_id text NOT NULL,
        highest_seq bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now())`,
      `CREATE INDEX clients_user ON clients (user_id)`,
      `CREATE SEQUENCE change_seq`,
      `CREATE TABLE docs (
        user_id text NOT NULL,
        collection text NOT NULL,
        key text NOT NULL,
        version integer NOT NULL,
        value_json text,
        deleted boolean NOT NULL,
        written_at bigint NOT NULL,
        last_client_id text NOT NULL,
        streak_base integer NOT NULL,
        change_id bigint NOT NULL,
        PRIMARY KEY (user_id, collection, key))`,
      `CREATE INDEX docs_feed ON docs (user_id, change_id)`,
      `CREATE TABLE processed_writes (
        user_id text NOT NULL,
        write_id text NOT NULL,
        client_id text NOT NULL,
        seq bigint NOT NULL,
        result_json text NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, write_id))`,
    ],
  },
  {
    version: 2,
    name: 'retention',
    statements: [
      // Highest seq of this client whose processed-write records were pruned (docs/PROTOCOL.md, retention horizon).
      `ALTER TABLE clients ADD COLUMN pruned_seq bigint NOT NULL DEFAULT 0`,
      // Highest change id of this user's pruned tombstones: a pull from an older cursor is answered cursor-expired.
      `ALTER TABLE users ADD COLUMN pruned_change_id bigint NOT NULL DEFAULT 0`,
      // When the document last changed (server clock), to find tombstones past the horizon.
      `ALTER TABLE docs ADD COLUMN changed_at timestamptz NOT NULL DEFAULT now()`,
      `CREATE INDEX processed_writes_age ON processed_writes (processed_at)`,
      `CREATE INDEX processed_writes_client_seq ON processed_writes (client_id, seq)`,
      `CREATE INDEX docs_tombstone_age ON docs (changed_at) WHERE deleted`,
    ],
  },
  {
    version: 3,
    name: 'rate-buckets',
    statements: [
      // One token bucket per user, shared by every instance on this database (server/store/shared-token-bucket.ts).
      `CREATE TABLE rate_buckets (
        user_id text PRIMARY KEY,
        tokens double precision NOT NULL,
        at_ms double precision NOT NULL,
        granted boolean NOT NULL)`,
    ],
  },
];

/** Arbitrary constant: the advisory lock that keeps two starting servers from migrating at once. */
const MIGRATION_LOCK_ID = 4_242_001;

/**
 * Applies every migration not yet recorded in `schema_migrations`, all in one
 * transaction, under an advisory lock so concurrent starts are safe. Returns the versions applied.
 */
export async function runMigrations(driver: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_ID})`);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const rows = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      for (const statement of m.statements) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
