import { createMemoryOutboxStorage } from '../../../src/core/storage/memory-outbox-storage.ts';
import { runOutboxStorageContract } from '../../contracts/outbox-storage.contract.ts';

runOutboxStorageContract('memory', {
  open: async (name) => createMemoryOutboxStorage(name),
  persistent: false,
});
