import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runMigrations } from './migrations.ts';
import { openPgliteDriver } from './pglite-driver.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import { createSyncStore, type SyncStore } from './sync-store.ts';

/** Where the data lives: PostgreSQL when `databaseUrl` is set, else PGlite in `dataDir` (or memory). */
export interface StoreLocation {
  readonly databaseUrl?: string | undefined;
  readonly dataDir?: string | 'memory' | undefined;
}

/** Default data directory: `.data/server` in the project (next to package.json), whatever the working directory. */
export const DEFAULT_DATA_DIR = fileURLToPath(new URL('../../.data/server', import.meta.url));

/** PGlite keeps its files in `<dataDir>/pglite`, next to the token secret. */
const pgliteDir = (dataDir: string): string => (dataDir === 'memory' ? 'memory' : join(dataDir, 'pglite'));

/** Opens the right driver, runs pending migrations, and returns the store. */
export async function openSyncStore(location: StoreLocation): Promise<SyncStore> {
  const driver =
    location.databaseUrl !== undefined
      ? await openPostgresDriver(location.databaseUrl)
      : await openPgliteDriver(pgliteDir(location.dataDir ?? DEFAULT_DATA_DIR));
  try {
    await runMigrations(driver);
  } catch (e) {
    await driver.close();
    throw e;
  }
  return createSyncStore(driver);
}
