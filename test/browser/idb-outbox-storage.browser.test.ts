import { openIdbOutboxStorage } from '../../src/core/storage/idb-outbox-storage.ts';
import { runOutboxStorageContract } from '../contracts/outbox-storage.contract.ts';

// Real IndexedDB in Chromium: the same contract the memory and fake-indexeddb storages pass.
runOutboxStorageContract('IndexedDB (Chromium)', {
  open: (name) => openIdbOutboxStorage(name),
  persistent: true,
});
