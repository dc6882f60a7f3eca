import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';

const ROOT = resolve(import.meta.dirname, '../../..');

/** What the reference server holds for one user, read straight from its tables. */
export interface ServerTables {
  readonly processedWrites: readonly { writeId: string; clientId: string; seq: number }[];
  readonly docs: readonly { collection: string; key: string; deleted: boolean; value: unknown; changeId: string }[];
}

/**
 * The reference server (`server/main.ts`) as a child process on PGlite in `dataDir`, on a fixed
 * port: a SIGKILL is a real crash, and a restart comes back on the same data and port (so a
 * proxy in front of it needs no change).
 */
export class ServerProcess {
  readonly dataDir: string;
  readonly staticDir: string;
  #port = 0;
  #child: ChildProcess | undefined;
  /** SIGKILLs so far. */
  kills = 0;

  /** PostgreSQL URL; PGlite in `dataDir` when undefined. */
  readonly databaseUrl: string | undefined;

  constructor(dataDir: string, staticDir: string, databaseUrl?: string) {
    this.dataDir = dataDir;
    this.staticDir = staticDir;
    this.databaseUrl = databaseUrl;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Starts the server (on a free port the first time, on the same one afterwards) and waits until it listens. */
  async start(): Promise<void> {
    if (this.#port === 0) this.#port = await freePort();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'server/main.ts'), '--port', String(this.#port), '--data-dir', this.dataDir],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          STATIC_DIR: this.staticDir,
          ...(this.databaseUrl === undefined ? {} : { DATABASE_URL: this.databaseUrl }),
          RATE_LIMIT_BURST: '1000000',
          RATE_LIMIT_PER_SECOND: '1000000',
          SESSION_RATE_LIMIT_BURST: '1000000',
          SESSION_RATE_LIMIT_PER_SECOND: '1000000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.#child = child;
    let out = '';
    const listening = new Promise<void>((resolvePromise, reject) => {
      const onData = (chunk: Buffer): void => {
        out += chunk.toString('utf8');
        if (out.includes('listening on')) resolvePromise();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
      });
      child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening:\n${out}`)));
    });
    await listening;
  }

  /** SIGKILL: no shutdown, no flush — whatever the database had committed is what survives. */
  async kill(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    this.kills += 1;
  }

  /** Graceful stop (SIGTERM: in-flight requests finish, the database closes). */
  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Reads the server's own tables (stopped, on PGlite: it has one owner), for the users given. */
  async readTables(userIds: readonly string[]): Promise<Map<string, ServerTables>> {
    let db: { query<R>(sql: string, params: unknown[]): Promise<{ rows: R[] }>; close(): Promise<void> };
    if (this.databaseUrl === undefined) db = new PGlite(join(this.dataDir, 'pglite'));
    else {
      const sql = postgres(this.databaseUrl, { max: 1, onnotice: () => undefined });
      db = {
        query: async <R>(text: string, params: unknown[]) => ({
          rows: (await sql.unsafe(text, params as never[])) as unknown as R[],
        }),
        close: () => sql.end({ timeout: 5 }),
      };
    }
    try {
      const out = new Map<string, ServerTables>();
      for (const userId of userIds) {
        const writes = await db.query<{ write_id: string; client_id: string; seq: string | number }>(
          'SELECT write_id, client_id, seq FROM processed_writes WHERE user_id = $1',
          [userId],
        );
        const docs = await db.query<{
          collection: string;
          key: string;
          deleted: boolean;
          value_json: string | null;
          change_id: string | number;
        }>('SELECT collection, key, deleted, value_json, change_id FROM docs WHERE user_id = $1', [userId]);
        out.set(userId, {
          processedWrites: writes.rows.map((r) => ({ writeId: r.write_id, clientId: r.client_id, seq: Number(r.seq) })),
          docs: docs.rows.map((r) => ({
            collection: r.collection,
            key: r.key,
            deleted: r.deleted,
            value: r.value_json === null ? undefined : JSON.parse(r.value_json),
            changeId: String(r.change_id),
          })),
        });
      }
      return out;
    } finally {
      await db.close();
    }
  }
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}
