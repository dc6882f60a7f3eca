// The e2e app's outbox worker: wiring only. The page names the worker after its database.
import { startOutboxWorker } from '../../../worker/worker.ts';
import { appPolicy, chaosRequestTimeoutMs } from './app-policy.ts';
import { collections } from './collections.ts';

declare const self: DedicatedWorkerGlobalScope;

void startOutboxWorker({
  collections,
  serverUrl: self.location.origin,
  dbName: self.name,
  policy: appPolicy,
  requestTimeoutMs: chaosRequestTimeoutMs(self.name),
});
