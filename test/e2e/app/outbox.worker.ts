// The e2e app's outbox worker: wiring only. The page names the worker after its database.
import { startOutboxWorker } from '../../../worker/worker.ts';
import { chaosRequestTimeoutMs, policyFor } from './app-policy.ts';
import { collections } from './collections.ts';

declare const self: DedicatedWorkerGlobalScope;

void startOutboxWorker({
  collections,
  serverUrl: self.location.origin,
  dbName: self.name,
  policy: policyFor(self.name),
  requestTimeoutMs: chaosRequestTimeoutMs(self.name),
});
