import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/**
 * `npm run dev`: vite's dev server for the demo (default) or the e2e test app
 * (`OUTBOX_DEV_APP=e2e npm run dev`), with `/v1` proxied to a sync server started separately
 * (`npm run server`, port 8787 by default; `SYNC_PORT` to change). The service worker is a
 * build artefact (one file with the precache manifest injected), so in dev the page runs
 * without one; `npm start` serves the built demo with it.
 */
const apps: Record<string, string> = { demo: 'demo', e2e: 'test/e2e/app' };
const app = process.env.OUTBOX_DEV_APP ?? 'demo';
const root = apps[app];
if (root === undefined) throw new Error(`OUTBOX_DEV_APP must be one of ${Object.keys(apps).join(', ')}, got '${app}'.`);

export default defineConfig({
  root: resolve(import.meta.dirname, root),
  define: { 'process.env.NODE_ENV': '"development"' },
  worker: { format: 'es' },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.DEV_PORT ?? 5173),
    proxy: { '/v1': `http://127.0.0.1:${process.env.SYNC_PORT ?? 8787}` },
    fs: { allow: [import.meta.dirname] },
  },
});
