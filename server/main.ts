/**
 * `npm run server`: wiring only. Options: flags or environment variables (README, section
 * "Reference sync server"; server/read-config.ts).
 */
import { readConfig } from './read-config.ts';
import { startServer } from './start-server.ts';

const server = await startServer(readConfig(process.argv.slice(2), process.env));
console.log(`Outbox server listening on ${server.url}`);
console.log(`Outbox server store: ${server.store.kind}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Outbox server: ${signal}, finishing in-flight requests`);
  server.close().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
