// The demo's outbox worker: wiring only. The page names the worker after the user's database
// (`outbox-demo-<userId>`), so one worker script serves every user with a database of its own.
import { startOutboxWorker } from '../worker/worker.ts';
import { demoCollections } from './src/collections.ts';
import { DEMO_SYNC_POLICY } from './src/sync-policy.ts';

void startOutboxWorker({
  collections: demoCollections,
  serverUrl: self.location.origin,
  dbName: self.name,
  policy: DEMO_SYNC_POLICY,
});
