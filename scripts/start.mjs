#!/usr/bin/env node
// npm start: build the demo if needed, then serve it and the sync API (embedded PGlite in .data/)
// on 127.0.0.1. PORT changes the port (default 8787); a second start reuses the data.
import { join, resolve } from 'node:path';
import { register } from 'tsx/esm/api';
import { buildDemo, DEMO_DIST, demoIsStale } from '../demo/build.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const port = Number(process.env.PORT ?? 8787);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got '${process.env.PORT}'.`);
  process.exit(1);
}

if (demoIsStale()) {
  console.log('Building the demo (dist/demo is missing or older than its sources)…');
  await buildDemo();
}

// The server is TypeScript; tsx runs it as is.
register();
const { startServer } = await import('../server/start-server.ts');

/** Quiet by default: only failures reach the terminal (LOG=all prints every request). */
const log = (line) => {
  if (process.env.LOG === 'all' || line.level === 'error' || (typeof line.status === 'number' && line.status >= 500)) {
    console.log(JSON.stringify(line));
  }
};

let server;
try {
  server = await startServer({ port, host: '127.0.0.1', dataDir: join(ROOT, '.data/server'), staticDir: DEMO_DIST, log });
} catch (e) {
  if (e?.code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use. Stop the other server or choose another port: PORT=8788 npm start`);
    process.exit(1);
  }
  throw e;
}
console.log(`Outbox demo: ${server.url}/  (data in .data/server; Ctrl+C to stop)`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  server.close().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
