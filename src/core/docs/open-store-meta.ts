import { OutboxError } from '../../errors.ts';
import { type ClientId, RANDOM_ID_PATTERN } from '../../protocol/ids.ts';
import type { OutboxStorage } from '../storage/outbox-storage.ts';

const isClientId = (value: unknown): value is string => typeof value === 'string' && RANDOM_ID_PATTERN.test(value);
import type { Collection } from './define-collection.ts';
import { runMigrations } from './run-migrations.ts';

/** Meta key of this database's client id. */
export const META_CLIENT_ID = 'clientId';

/**
 * In one readwrite transaction: reads this database's client id (creating it on first open)
 * and migrates documents stored under older schema versions. A failed migration aborts it all.
 */
export function openStoreMeta(
  storage: OutboxStorage,
  collections: readonly Collection[],
  makeId: () => string,
): Promise<ClientId> {
  return storage.transact('readwrite', async (tx) => {
    let clientId = await tx.getMeta(META_CLIENT_ID, isClientId);
    if (clientId === undefined) {
      clientId = makeId();
      if (!RANDOM_ID_PATTERN.test(clientId)) {
        throw new OutboxError('invalid-config', { path: ['randomId'], issue: 'must return 32 lowercase hex digits' });
      }
      await tx.putMeta(META_CLIENT_ID, clientId);
    }
    await runMigrations(tx, collections);
    return clientId as ClientId;
  });
}
