/** Something that runs one SQL statement with `$n` parameters and returns its rows. */
export interface SqlRunner {
  query<R extends object>(text: string, params?: readonly unknown[]): Promise<R[]>;
}

/**
 * The only thing that differs between PGlite and PostgreSQL: how a statement and a
 * transaction are run. All SQL lives in the store, once, for both drivers.
 */
export interface SqlDriver extends SqlRunner {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one READ COMMITTED transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T>;
  /** Waits for running statements, then closes the database or connection pool. */
  close(): Promise<void>;
}
