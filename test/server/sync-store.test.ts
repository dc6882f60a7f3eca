import { afterAll } from 'vitest';
import { openSyncStore } from '../../server/store/open-sync-store.ts';
import { createTestSchema, requirePostgres } from './support/postgres.ts';
import { runSyncStoreContract } from './sync-store.contract.ts';

const ran: string[] = [];

runSyncStoreContract('pglite', async () => {
  ran.push('pglite');
  const store = await openSyncStore({ dataDir: 'memory' });
  return { store, cleanup: () => store.close() };
});

// Throws on CI when PostgreSQL is unreachable, failing the file (CI machines have it).
if (await requirePostgres()) {
  runSyncStoreContract('postgres', async () => {
    ran.push('postgres');
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

afterAll(() => {
  console.log(`server contract suite ran on: ${ran.join(', ') || 'nothing'}`);
});
