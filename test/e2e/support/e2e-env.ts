import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type RunningServer, startServer } from '../../../server/start-server.ts';
import type { Change } from '../../../src/protocol/pull-messages.ts';
import { ChaosProxy } from './chaos-proxy.ts';

/** The built test app (test/e2e/support/global-setup.ts builds it). */
export const E2E_APP_DIR = resolve(import.meta.dirname, '../../../dist/e2e-app');

/** The real reference server (PGlite in a temp dir) serving the test app, behind a proxy the test controls. */
export interface E2eEnv {
  readonly server: RunningServer;
  readonly proxy: ChaosProxy;
  /** The origin pages load from (the proxy). */
  readonly url: string;
  /** Every document the server holds for the user of `token`, in change-feed order (straight to the server). */
  serverDocs(token: string): Promise<Change[]>;
  stop(): Promise<void>;
}

export async function startE2eEnv(): Promise<E2eEnv> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outbox-e2e-server-'));
  const server = await startServer({ port: 0, dataDir, staticDir: E2E_APP_DIR, rateLimit: false, log: () => {} });
  const proxy = new ChaosProxy(server.url);
  await proxy.up();
  return {
    server,
    proxy,
    url: proxy.url,
    async serverDocs(token) {
      const out: Change[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const q = new URLSearchParams({ limit: '1000', ...(cursor === undefined ? {} : { cursor }) });
        const res = await fetch(`${server.url}/v1/pull?${q}`, { headers: { authorization: `Bearer ${token}` } });
        if (!res.ok) throw new Error(`pull ${res.status}: ${await res.text()}`);
        const body = (await res.json()) as { changes: Change[]; cursor: string; hasMore: boolean };
        out.push(...body.changes);
        cursor = body.cursor;
        if (!body.hasMore) return out;
      }
      throw new Error('pull did not end within 100 pages');
    },
    async stop() {
      await proxy.down();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
