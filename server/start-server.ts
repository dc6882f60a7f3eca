import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { OutboxError } from '../src/errors.ts';
import { loadOrCreateSecret } from './auth/token-secret.ts';
import { createApp } from './create-app.ts';
import { errorResponse } from './http/error-response.ts';
import { type AppBehaviour, defaultLog } from './server-options.ts';
import { DEFAULT_DATA_DIR, openSyncStore } from './store/open-sync-store.ts';
import { type RetentionOptions, startPruneJob } from './store/prune-job.ts';
import type { SyncStore } from './store/sync-store.ts';

/** Options of {@link startServer}. */
export interface StartServerOptions extends AppBehaviour {
  /** TCP port; 0 (default) lets the OS pick one. */
  readonly port?: number | undefined;
  /** Default 127.0.0.1. */
  readonly host?: string | undefined;
  /** PGlite data and the token secret live here; `'memory'` keeps nothing. Default `.data/server`. */
  readonly dataDir?: string | 'memory' | undefined;
  /** PostgreSQL connection URL; when set, PGlite is not used (the secret still lives in `dataDir`). */
  readonly databaseUrl?: string | undefined;
  /** Token secret; overrides the one in `dataDir` (give every instance the same one). */
  readonly secret?: Uint8Array | undefined;
  /** How long `close()` lets in-flight requests finish before cutting connections. Default 10 s. */
  readonly shutdownGraceMs?: number | undefined;
  /** Retention horizon and the prune job (docs/PROTOCOL.md, "Retention horizon"). */
  readonly retention?: RetentionOptions | undefined;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly store: SyncStore;
  readonly secret: Uint8Array;
  /** Runs one prune now (the job also runs on its own every `retention.pruneIntervalMs`). */
  prune(): ReturnType<SyncStore['prune']>;
  /**
   * Graceful shutdown: stops accepting, answers new requests on open connections with 503,
   * lets in-flight requests finish (each push is one transaction, so none is half-applied),
   * drops idle keep-alive sockets at once, then closes the database. The port is free when it resolves.
   */
  close(): Promise<void>;
}

/**
 * Opens the store (running migrations), then listens.
 *
 * @example const server = await startServer({ port: 0, dataDir: 'memory' }); await fetch(`${server.url}/v1/health`);
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const secret = options.secret ?? (await loadOrCreateSecret(dataDir));
  const store = await openSyncStore({ databaseUrl: options.databaseUrl, dataDir });
  const app = createApp({ ...options, store, secret });
  let pruning: ReturnType<typeof startPruneJob>;
  try {
    pruning = startPruneJob(store, options.retention ?? {}, { now: options.now ?? Date.now, log: options.log ?? defaultLog });
  } catch (e) {
    await store.close();
    throw e;
  }
  let inFlight = 0;
  let closing = false;
  const idle = new Set<() => void>();
  const server = createAdaptorServer({
    fetch: async (request: Request) => {
      if (closing) {
        const e = new OutboxError('service-unavailable', { reason: 'shutting down' });
        return errorResponse(e, { connection: 'close' });
      }
      return app.fetch(request);
    },
  }) as Server;
  // Counted at the socket level: a response is in flight until its last byte is written.
  server.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) for (const wake of [...idle]) wake();
    });
  });
  const port = await listen(server, options.port ?? 0, options.host ?? '127.0.0.1');
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    store,
    secret,
    prune: () => pruning.runOnce(),
    close: async () => {
      if (closing) return;
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await drain(() => inFlight === 0, idle, options.shutdownGraceMs ?? 10_000);
      server.closeAllConnections();
      await closed;
      await pruning.stop();
      await store.close();
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Resolves when `done()` holds (woken by the request counter) or after `graceMs`. */
function drain(done: () => boolean, idle: Set<() => void>, graceMs: number): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      idle.delete(finish);
      resolve();
    };
    const timer = setTimeout(finish, graceMs);
    idle.add(finish);
  });
}
