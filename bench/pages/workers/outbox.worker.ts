// The Outbox worker the page→worker rows talk to: the real runtime entry, default sync policy.
// The page passes its database name and sync server in the worker's name.
import { startOutboxWorker } from '../../../worker/worker.ts';
import { type BenchWorkerConfig, items } from './bench-collections.ts';

declare const self: DedicatedWorkerGlobalScope;

const config = JSON.parse(self.name) as BenchWorkerConfig;
void startOutboxWorker({ collections: [items], serverUrl: config.serverUrl, dbName: config.dbName });
