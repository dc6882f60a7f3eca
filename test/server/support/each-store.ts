import { openSyncStore } from '../../../server/store/open-sync-store.ts';
import type { SyncStore } from '../../../server/store/sync-store.ts';
import { createTestSchema, requirePostgres } from './postgres.ts';

/** Opens a fresh, migrated store; `cleanup` closes it and removes what it created. */
export type StoreFactory = () => Promise<{ store: SyncStore; cleanup(): Promise<void> }>;

/**
 * Declares `suite` once per store: PGlite in memory, and PostgreSQL in a fresh schema when it answers
 * (on CI an unreachable PostgreSQL fails the file instead: CI machines have it).
 */
export async function forEachStore(suite: (name: 'pglite' | 'postgres', factory: StoreFactory) => void): Promise<void> {
  suite('pglite', async () => {
    const store = await openSyncStore({ dataDir: 'memory' });
    return { store, cleanup: () => store.close() };
  });
  if (!(await requirePostgres())) return;
  suite('postgres', async () => {
    const schema = await createTestSchema();
    const store = await openSyncStore({ databaseUrl: schema.url });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await schema.drop();
      },
    };
  });
}
