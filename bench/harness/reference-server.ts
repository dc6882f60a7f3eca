import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../../server/start-server.ts';

/** The reference sync server on PGlite in a fresh temp directory, open to the bench pages' origin. */
export interface ReferenceServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Starts the reference server (port 0) with CORS for `pageOrigin`, no rate or session limit and no request log. */
export async function startReferenceServer(pageOrigin: string): Promise<ReferenceServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'outbox-bench-pglite-'));
  // Every measured drain run mints a session from 127.0.0.1: no session limit here, as no rate limit.
  const server = await startServer({
    port: 0,
    dataDir,
    corsOrigin: pageOrigin,
    rateLimit: false,
    sessionRateLimit: false,
    log: () => {},
  });
  return {
    origin: server.url,
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
