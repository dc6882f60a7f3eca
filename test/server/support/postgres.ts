import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

/** The CI PostgreSQL (trust auth). Override with TEST_DATABASE_URL. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether the test PostgreSQL answers within a few seconds. */
export async function postgresReachable(): Promise<boolean> {
  const sql = postgres(TEST_DATABASE_URL, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`SELECT 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** A fresh schema for one test run; `url` selects it through `search_path`; `drop()` removes it. */
export async function createTestSchema(): Promise<{ url: string; schema: string; drop(): Promise<void> }> {
  const schema = `outbox_test_${randomBytes(8).toString('hex')}`;
  const sql = postgres(TEST_DATABASE_URL, { max: 1, onnotice: () => undefined });
  await sql.unsafe(`CREATE SCHEMA ${schema}`);
  const url = `${TEST_DATABASE_URL}${TEST_DATABASE_URL.includes('?') ? '&' : '?'}search_path=${schema}`;
  return {
    url,
    schema,
    drop: async () => {
      await sql.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await sql.end({ timeout: 5 });
    },
  };
}

/**
 * Whether to run the PostgreSQL part: true when reachable; when not, false — except on CI
 * (`process.env.CI`), where PostgreSQL is part of the machine and its absence is a failure.
 */
export async function requirePostgres(): Promise<boolean> {
  const reachable = await postgresReachable();
  if (!reachable && process.env.CI) {
    throw new Error(
      `PostgreSQL at ${TEST_DATABASE_URL} is unreachable, and CI is set: the PostgreSQL store must be tested here.`,
    );
  }
  return reachable;
}
